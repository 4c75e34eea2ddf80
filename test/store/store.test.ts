import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import { isFirebreakError } from "../../src/errors.js";
import type { Clock, Store } from "../../src/ports.js";
import { BACKENDS, event, newIncident, type BackendHandle } from "./backends.js";

/** A clock that moves one second per reading, so "newest first" is decided by the store's times. */
function steppingClock(start = Date.parse("2025-03-04T10:00:00.000Z")): Clock {
  let t = start;
  return { now: () => new Date((t += 1000)) };
}

describe.each(BACKENDS)("store on $name", (factory) => {
  let handle: BackendHandle;
  let store: Store;

  beforeEach(async () => {
    handle = await factory.setup();
    store = await openStore({ ...handle.options, clock: steppingClock() });
  });
  afterEach(async () => {
    await store?.close();
    await handle?.cleanup();
  });

  it("creates an incident with its first event and reads it back unchanged", async () => {
    const input = newIncident({ data: { severityNote: "EU only", nested: { b: 2, a: [1, "x", null] } } });
    const inc = await store.createIncident(input, event("incident.started", { priority: "P1" }));
    expect(inc.id).toMatch(/^inc_[0-9a-f]{32}$/);
    expect(inc.status).toBe("open");
    // Times come from the store's clock.
    expect(inc.createdAt).toMatch(/^2025-03-04T10:00:0\d\.000Z$/);
    expect(inc.updatedAt).toBe(inc.createdAt);

    const read = await store.getIncident(inc.id);
    expect(read).toEqual(inc);
    // ISO strings come back exactly as given, not re-rendered.
    expect(read?.deadlineAt).toBe("2025-03-04T13:15:00Z");
    expect(read?.criteria).toEqual(["prod-broken", "revenue"]);
    expect(read?.data).toEqual({ severityNote: "EU only", nested: { b: 2, a: [1, "x", null] } });

    const tl = await store.timeline(inc.id);
    expect(tl).toHaveLength(1);
    expect(tl[0]).toMatchObject({ incidentId: inc.id, seq: 1, kind: "incident.started", actor: "Dana Lee", prevHash: "" });
    expect(tl[0]?.at).toBe("2025-03-04T09:20:00.000Z");
    expect(tl[0]?.hash).toMatch(/^[0-9a-f]{64}$/);

    expect(await store.getIncident("inc_missing")).toBeUndefined();
    expect(await store.findByBranch("hotfix/ENG-1234-checkout-500")).toEqual(inc);
    expect(await store.findByBranch("hotfix/other")).toBeUndefined();
  });

  it("finds the active incident per ticket and lists active ones newest first", async () => {
    const old = await store.createIncident(newIncident(), event("incident.started"));
    await store.updateIncident(old.id, { status: "resolved" }, event("note", { text: "resolved" }));
    const again = await store.createIncident(newIncident({ branch: "hotfix/ENG-1234-take-2" }), event("incident.started"));
    const other = await store.createIncident(newIncident({ ticket: "ENG-9", branch: "hotfix/ENG-9-x" }), event("incident.started"));
    const gone = await store.createIncident(newIncident({ ticket: "ENG-10", branch: "hotfix/ENG-10-x" }), event("incident.started"));
    await store.updateIncident(gone.id, { status: "abandoned" });

    expect((await store.findActiveByTicket("ENG-1234"))?.id).toBe(again.id);
    expect(await store.findActiveByTicket("ENG-10")).toBeUndefined();
    expect((await store.findByTicket("ENG-10"))?.id).toBe(gone.id);
    expect((await store.findByTicket("ENG-1234"))?.id).toBe(again.id);
    expect(await store.findByTicket("ENG-404")).toBeUndefined();

    expect((await store.listIncidents({ all: false })).map((i) => i.id)).toEqual([other.id, again.id]);
    expect((await store.listIncidents({ all: true })).map((i) => i.id)).toEqual([gone.id, other.id, again.id, old.id]);
  });

  it("shallow-merges data and appends the update's event in the same call", async () => {
    const inc = await store.createIncident(newIncident({ data: { pr: { number: 1 }, keep: true } }), event("incident.started"));
    const updated = await store.updateIncident(
      inc.id,
      { status: "pr-open", data: { pr: { url: "https://example.test/pr/7" }, tag: "v1.4.3" } },
      event("pr.opened", { number: 7 }),
    );
    // Shallow: `pr` is replaced whole, untouched keys stay.
    expect(updated.data).toEqual({ pr: { url: "https://example.test/pr/7" }, keep: true, tag: "v1.4.3" });
    expect(updated.status).toBe("pr-open");
    expect(updated.updatedAt > inc.updatedAt).toBe(true);
    expect(await store.getIncident(inc.id)).toEqual(updated);

    const noEvent = await store.updateIncident(inc.id, { data: { verified: false } });
    expect(noEvent.status).toBe("pr-open");
    expect(noEvent.data).toMatchObject({ keep: true, verified: false });

    const tl = await store.timeline(inc.id);
    expect(tl.map((e) => [e.seq, e.kind])).toEqual([
      [1, "incident.started"],
      [2, "pr.opened"],
    ]);
    expect(tl[1]?.prevHash).toBe(tl[0]?.hash);
    expect(await store.verifyTimeline(inc.id)).toEqual({ ok: true, checked: 2 });
  });

  it("refuses to touch an incident that does not exist, writing nothing", async () => {
    await expect(store.appendEvent("inc_nope", event("note", { text: "nobody" }))).rejects.toMatchObject({ code: "NO_INCIDENT" });
    await expect(store.updateIncident("inc_nope", { status: "resolved" })).rejects.toMatchObject({ code: "NO_INCIDENT" });
    expect(await store.timeline("inc_nope")).toEqual([]);
  });

  it("journals an effect from intent to outcome, each step on the timeline", async () => {
    const inc = await store.createIncident(newIncident(), event("incident.started"));
    const key = "git.push:hotfix/ENG-1234-checkout-500";
    expect(await store.getEffect(inc.id, key)).toBeUndefined();

    const intent = await store.recordIntent(inc.id, key, { remote: "origin", sha: "abc123" }, event("effect.intent", { key }));
    expect(intent).toMatchObject({ state: "intent", result: null, finishedAt: null, intent: { remote: "origin", sha: "abc123" } });
    expect(await store.getEffect(inc.id, key)).toEqual(intent);

    const done = await store.recordOutcome(inc.id, key, { state: "done", result: { pushed: "abc123" } }, event("branch.pushed", { key }));
    expect(done).toMatchObject({ state: "done", result: { pushed: "abc123" }, startedAt: intent.startedAt });
    expect(done.finishedAt).not.toBeNull();
    expect(await store.getEffect(inc.id, key)).toEqual(done);

    // A chat message whose outcome cannot be checked, then proved never sent and forgotten.
    await store.recordIntent(inc.id, "notify.chat", { text: "hi" }, event("effect.intent", { key: "notify.chat" }));
    const maybe = await store.recordOutcome(
      inc.id,
      "notify.chat",
      { state: "possibly-done", result: null },
      event("effect.possibly-done", { key: "notify.chat" }),
    );
    expect(maybe.state).toBe("possibly-done");
    expect((await store.listEffects(inc.id)).map((e) => [e.key, e.state])).toEqual([
      [key, "done"],
      ["notify.chat", "possibly-done"],
    ]);
    await store.clearIntent(inc.id, "notify.chat", event("effect.retry", { key: "notify.chat" }));
    expect(await store.getEffect(inc.id, "notify.chat")).toBeUndefined();
    // Cleared, it can be started again.
    await store.recordIntent(inc.id, "notify.chat", { text: "hi" }, event("effect.intent", { key: "notify.chat" }));

    expect((await store.timeline(inc.id)).map((e) => e.kind)).toEqual([
      "incident.started",
      "effect.intent",
      "branch.pushed",
      "effect.intent",
      "effect.possibly-done",
      "effect.retry",
      "effect.intent",
    ]);
    expect((await store.verifyTimeline(inc.id)).ok).toBe(true);
  });

  it("refuses a second intent for the same key and leaves the journal and timeline as they were", async () => {
    const inc = await store.createIncident(newIncident(), event("incident.started"));
    const first = await store.recordIntent(inc.id, "pr.open", { head: "a" }, event("effect.intent", { key: "pr.open" }));
    const err = await store
      .recordIntent(inc.id, "pr.open", { head: "b" }, event("effect.intent", { key: "pr.open" }))
      .catch((e: unknown) => e);
    expect(isFirebreakError(err)).toBe(true);
    expect(err).toMatchObject({ code: "EFFECT_EXISTS" });
    expect((err as Error).message).toContain("pr.open");
    expect(await store.getEffect(inc.id, "pr.open")).toEqual(first);
    expect(await store.timeline(inc.id)).toHaveLength(2);
  });

  it("refuses outcomes for unknown effects and forgetting a done one", async () => {
    const inc = await store.createIncident(newIncident(), event("incident.started"));
    await expect(
      store.recordOutcome(inc.id, "tag.push", { state: "done", result: {} }, event("release.tagged", { key: "tag.push", tag: "v1" })),
    ).rejects.toMatchObject({
      code: "EFFECT_UNKNOWN",
    });
    await store.recordIntent(inc.id, "tag.push", {}, event("effect.intent", { key: "tag.push" }));
    await store.recordOutcome(
      inc.id,
      "tag.push",
      { state: "done", result: { tag: "v1" } },
      event("release.tagged", { key: "tag.push", tag: "v1" }),
    );
    await expect(store.clearIntent(inc.id, "tag.push", event("effect.retry", { key: "tag.push" }))).rejects.toMatchObject({
      code: "EFFECT_DONE",
    });
    expect((await store.getEffect(inc.id, "tag.push"))?.result).toEqual({ tag: "v1" });
    expect(await store.timeline(inc.id)).toHaveLength(3);
  });

  it("keeps the record after close and reopen", async () => {
    const inc = await store.createIncident(newIncident(), event("incident.started"));
    await store.appendEvent(inc.id, event("note", { text: "rollback considered" }));
    await store.close();
    store = await openStore(handle.options);
    expect((await store.timeline(inc.id)).map((e) => e.data)).toEqual([{}, { text: "rollback considered" }]);
    expect((await store.verifyTimeline(inc.id)).ok).toBe(true);
  });
});
