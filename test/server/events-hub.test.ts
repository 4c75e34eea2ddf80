// The live feed's poller on a real store: a burst larger than one read's page still reaches every
// subscriber, in order and once; the streams' re-checks made together are answered together, each
// with its own token's state.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event } from "../../src/domain/events/index.js";
import { EventsHub } from "../../src/server/events-hub.js";
import { openStorage, seedIncident, token, type Storage } from "./fixture.js";

describe("EventsHub", () => {
  let s: Storage;
  beforeAll(async () => {
    s = await openStorage("sqlite");
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it("delivers a burst of more events than a page (1,000) to every subscriber, in order, once", async () => {
    const hub = new EventsHub(s.storage.records, {
      pollMs: 60_000,
      now: () => new Date(Date.now() - 1000),
      onError: (e) => {
        throw e;
      },
    });
    const got: string[][] = [[], [], []];
    const unsubs = got.map((list) => hub.subscribe((e) => list.push(String(e.data.text))));
    const inc = await seedIncident(s.storage);
    const texts: string[] = [];
    for (let i = 0; i < 1_250; i++) {
      texts.push(`burst ${i}`);
      await s.storage.store.appendEvent(inc.id, {
        at: new Date().toISOString(),
        actor: "t",
        ...event("note", { text: `burst ${i}`, summary: "n" }),
      });
    }
    hub.wake();
    for (let i = 0; i < 200 && got.some((l) => l.filter((t) => t.startsWith("burst")).length < texts.length); i++)
      await new Promise((r) => setTimeout(r, 25));
    // One wake-up read all of them, a page at a time.
    for (const list of got) expect(list.filter((t) => t.startsWith("burst"))).toEqual(texts);
    hub.wake(); // a second read finds nothing new: nothing is delivered twice
    await new Promise((r) => setTimeout(r, 200));
    for (const list of got) expect(list.filter((t) => t.startsWith("burst"))).toEqual(texts);
    for (const u of unsubs) u();
    await hub.close();
  });

  it("answers re-checks made together with one read, each with its own token's state", async () => {
    const hub = new EventsHub(s.storage.records, { pollMs: 60_000, now: () => new Date(), onError: () => undefined });
    await token(s.storage, "keep", "viewer");
    await token(s.storage, "drop", "viewer");
    const [keep, drop] = ["keep", "drop"].map((n) => s.storage.records.listTokens().then((ts) => ts.find((t) => t.name === n)!));
    const k = (await keep)!;
    const d = (await drop)!;
    await s.storage.records.revokeToken(d.id);
    const inc = await seedIncident(s.storage, { criteria: ["auth-bypass"] });
    await s.storage.records.addMember(inc.id, "keep", "tests");
    const [a, b, gone] = await Promise.all([
      hub.access(k.id, "keep", "default"),
      hub.access(d.id, "drop", "default"),
      hub.access("tok_missing", "nobody", "default"),
    ]);
    expect(a.token?.revokedAt).toBeNull();
    expect([...a.memberships]).toEqual([inc.id]);
    expect(b.token?.revokedAt).not.toBeNull();
    expect(b.memberships.size).toBe(0);
    expect(gone.token).toBeUndefined();
    await hub.close();
  });
});
