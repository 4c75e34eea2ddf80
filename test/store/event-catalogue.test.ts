// The store writes only events the catalogue knows, with data of the declared shape: a writer's
// bug is refused before anything reaches the hash chain, and the timeline stays as it was.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/ports.js";
import type { NewEvent } from "../../src/domain/types.js";
import { KIND_NAMES, isEventKind, validateEvent } from "../../src/domain/events/index.js";
import { BACKENDS, event, newIncident, type BackendHandle } from "./backends.js";

describe.each(BACKENDS)("the store checks events on $name", (factory) => {
  let handle: BackendHandle;
  let store: Store;
  beforeEach(async () => {
    handle = await factory.setup();
    store = await openStore(handle.options);
  });
  afterEach(async () => {
    await store?.close();
    await handle?.cleanup();
  });

  it("refuses an unknown kind and data of the wrong shape, writing nothing", async () => {
    const inc = await store.createIncident(newIncident(), event("incident.started", { priority: "P1" }));
    const unknown = { at: "2025-03-04T09:21:00.000Z", actor: "Dana Lee", kind: "deploy.prod.finished", data: {} } as unknown as NewEvent;
    await expect(store.appendEvent(inc.id, unknown)).rejects.toMatchObject({
      code: "EVENT_INVALID",
      message: expect.stringContaining('"deploy.prod.finished" is not an event kind'),
    });
    await expect(store.appendEvent(inc.id, event("note", { text: 42 }))).rejects.toMatchObject({
      code: "EVENT_INVALID",
      message: expect.stringContaining("data.text"),
    });
    await expect(store.recordIntent(inc.id, "pr.open", {}, event("effect.intent", {}))).rejects.toMatchObject({ code: "EVENT_INVALID" });
    await expect(store.updateIncident(inc.id, { status: "shipped" }, event("approval.waived", { by: "Dana" }))).rejects.toMatchObject({
      code: "EVENT_INVALID",
      message: expect.stringContaining("data.reason"),
    });
    // Nothing was written: not the event, not the effect, not the status.
    expect((await store.timeline(inc.id)).map((e) => e.kind)).toEqual(["incident.started"]);
    expect(await store.getEffect(inc.id, "pr.open")).toBeUndefined();
    expect((await store.getIncident(inc.id))?.status).toBe("open");
    expect((await store.verifyTimeline(inc.id)).ok).toBe(true);
  });

  it("accepts the template kinds and keeps fields the schema does not name", async () => {
    const inc = await store.createIncident(newIncident(), event("incident.started"));
    await store.appendEvent(inc.id, event("deploy.canary-eu.done", { key: "deploy.canary-eu:v2", version: "v2", extra: { kept: true } }));
    await store.appendEvent(inc.id, event("verify.staging.regression", { summary: "error rate rose" }));
    await store.appendEvent(inc.id, event("check.timed-out", { name: "test", durationMs: 600000 }));
    await store.appendEvent(inc.id, event("confirm.edge-cases", { note: "empty cart" }));
    const kinds = (await store.timeline(inc.id)).map((e) => e.kind);
    expect(kinds).toEqual([
      "incident.started",
      "deploy.canary-eu.done",
      "verify.staging.regression",
      "check.timed-out",
      "confirm.edge-cases",
    ]);
    expect((await store.timeline(inc.id))[1]!.data).toMatchObject({ extra: { kept: true } });
  });
});

describe("the catalogue", () => {
  it.each([
    ["note", true],
    ["deploy.production.done", true],
    ["verify.rollback.inconclusive", true],
    ["check.missing", true],
    ["confirm.monitoring", true],
    ["confirm.everything", false],
    ["check.exploded", false],
    ["verify.production", false],
    ["deploy..done", false],
    ["incident.resolved", false],
  ])("%s is a kind: %s", (kind, known) => {
    expect(isEventKind(kind)).toBe(known);
  });

  it("names every kind once, templates included", () => {
    expect(new Set(KIND_NAMES).size).toBe(KIND_NAMES.length);
    expect(KIND_NAMES).toContain("deploy.<env>.done");
    expect(KIND_NAMES.length).toBeGreaterThan(55);
  });

  it("says where the data is wrong", () => {
    expect(validateEvent("review.approved", { note: "ok" })).toEqual({
      kind: "review.approved",
      problem: expect.stringMatching(/^data\.by: /),
    });
    expect(validateEvent("review.approved", { by: "Ana", note: null })).toBeNull();
  });
});
