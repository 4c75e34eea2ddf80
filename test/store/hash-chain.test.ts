import { describe, expect, it } from "vitest";
import { canonicalJson, checkChain, eventHash } from "../../src/store/hash-chain.js";
import type { TimelineEvent } from "../../src/domain/types.js";

function chain(n: number): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  let prev = "";
  for (let seq = 1; seq <= n; seq++) {
    const content = {
      incidentId: "inc_x",
      seq,
      at: `2025-01-01T00:00:0${seq}Z`,
      recordedAt: "2025-01-01T00:00:00Z",
      actor: "a",
      kind: "note",
      data: { seq },
    };
    const hash = eventHash(prev, content);
    out.push({ ...content, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe("hash chain", () => {
  it("hashes the same content the same way whatever the key order a backend returns", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    const e = chain(1)[0]!;
    expect(eventHash("", { ...e, data: { seq: 1 } })).toBe(eventHash("", JSON.parse(JSON.stringify({ ...e, data: { seq: 1 } }))));
    expect(eventHash("", { ...e, data: { seq: 2 } })).not.toBe(e.hash);
  });

  it("accepts an intact chain and an empty one", () => {
    expect(checkChain(chain(5))).toEqual({ ok: true, checked: 5 });
    expect(checkChain([])).toEqual({ ok: true, checked: 0 });
  });

  it("names a dropped first event as deleted", () => {
    expect(checkChain(chain(4).slice(1))).toMatchObject({ ok: false, problem: { seq: 1, reason: "deleted" } });
  });

  it("names an event whose link was rewritten", () => {
    const c = chain(4);
    c[2] = { ...c[2]!, prevHash: "0".repeat(64) };
    c[2].hash = eventHash(c[2].prevHash, c[2]);
    expect(checkChain(c)).toMatchObject({ ok: false, problem: { seq: 3, reason: "inserted" } });
  });
});
