// The timeline's hash chain must name the first event someone changed behind the store's back.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/ports.js";
import { BACKENDS, event, newIncident, type BackendHandle } from "./backends.js";

describe.each(BACKENDS)("timeline tamper evidence on $name", (factory) => {
  let handle: BackendHandle;
  let store: Store;
  let id: string;

  beforeEach(async () => {
    handle = await factory.setup();
    store = await openStore(handle.options);
    const inc = await store.createIncident(newIncident(), event("incident.started"));
    id = inc.id;
    for (let i = 2; i <= 6; i++) await store.appendEvent(id, event("note", { text: `note ${i}`, n: i }));
    // A second incident, so a check cannot pass by looking at the wrong rows.
    const other = await store.createIncident(newIncident({ ticket: "ENG-2", branch: "hotfix/ENG-2" }), event("incident.started"));
    await store.appendEvent(other.id, event("note", { text: "another incident" }));
  });
  afterEach(async () => {
    await store?.close();
    await handle?.cleanup();
  });

  it("verifies an untouched chain", async () => {
    expect(await store.verifyTimeline(id)).toEqual({ ok: true, checked: 6 });
  });

  it("names an edited row", async () => {
    await handle.exec("update timeline_events set data = ? where incident_id = ? and seq = ?", [
      '{"text":"nothing happened","n":4}',
      id,
      4,
    ]);
    expect(await store.verifyTimeline(id)).toMatchObject({ ok: false, problem: { seq: 4, reason: "edited" } });
  });

  it("names an edited timestamp or actor", async () => {
    await handle.exec("update timeline_events set at = ? where incident_id = ? and seq = ?", ["2025-03-04T09:20:00Z", id, 3]);
    expect(await store.verifyTimeline(id)).toMatchObject({ ok: false, problem: { seq: 3, reason: "edited" } });
  });

  it("names a deleted row", async () => {
    await handle.exec("delete from timeline_events where incident_id = ? and seq = ?", [id, 3]);
    expect(await store.verifyTimeline(id)).toMatchObject({ ok: false, problem: { seq: 3, reason: "deleted" } });
  });

  it("names events cut off the end, which the chain alone cannot see", async () => {
    await handle.exec("delete from timeline_events where incident_id = ? and seq >= ?", [id, 4]);
    expect(await store.verifyTimeline(id)).toMatchObject({ ok: false, checked: 3, problem: { seq: 4, reason: "deleted" } });
  });

  it("names a deletion hidden by renumbering the rows after it", async () => {
    await handle.exec("delete from timeline_events where incident_id = ? and seq = ?", [id, 3]);
    for (const seq of [4, 5, 6]) {
      await handle.exec("update timeline_events set seq = ? where incident_id = ? and seq = ?", [seq - 1, id, seq]);
    }
    expect(await store.verifyTimeline(id)).toMatchObject({ ok: false, problem: { seq: 3, reason: "deleted" } });
  });

  it("names swapped rows", async () => {
    await handle.exec("update timeline_events set seq = ? where incident_id = ? and seq = ?", [-1, id, 4]);
    await handle.exec("update timeline_events set seq = ? where incident_id = ? and seq = ?", [4, id, 5]);
    await handle.exec("update timeline_events set seq = ? where incident_id = ? and seq = ?", [5, id, -1]);
    expect(await store.verifyTimeline(id)).toMatchObject({ ok: false, problem: { seq: 4, reason: "reordered" } });
  });

  it("names a forged row slipped into the middle", async () => {
    const tl = await store.timeline(id);
    // Shift 4..6 up by one, last first, to free seq 4.
    for (const seq of [6, 5, 4]) {
      await handle.exec("update timeline_events set seq = ? where incident_id = ? and seq = ?", [seq + 1, id, seq]);
    }
    // A forger who knows the hash scheme makes a self-consistent row linked to seq 3.
    const { eventHash } = await import("../../src/store/hash-chain.js");
    const forged = {
      incidentId: id,
      seq: 4,
      at: "2025-03-04T09:21:00Z",
      recordedAt: "2025-03-04T09:21:00Z",
      actor: "Mallory",
      kind: "note",
      data: {},
    };
    const hash = eventHash(tl[2]!.hash, forged);
    await handle.exec(
      "insert into timeline_events (incident_id, seq, at, recorded_at, actor, kind, data, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [id, 4, forged.at, forged.recordedAt, forged.actor, forged.kind, "{}", tl[2]!.hash, hash],
    );
    expect(await store.verifyTimeline(id)).toMatchObject({ ok: false, problem: { seq: 4, reason: "inserted" } });
  });
});
