// What a load balancer or reverse proxy in front of the server relies on (docs/server.md, "Behind a
// load balancer"): the live feed says it must not be cached or buffered and sends a comment at once,
// so a proxy passes events on as they come; readiness answers without a token.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerApp } from "../../src/server/app.js";
import { openStorage, token, type Storage } from "./fixture.js";

describe("the server behind a proxy", () => {
  let s: Storage;
  let server: ReturnType<typeof createServerApp>;
  let draining = false;

  beforeAll(async () => {
    s = await openStorage("sqlite");
    server = createServerApp({
      store: s.storage.store,
      records: s.storage.records,
      clock: { now: () => new Date() },
      draining: () => draining,
    });
  });
  afterAll(async () => {
    await server?.drain();
    await s?.cleanup();
  });

  it("marks the event stream as not to be cached or buffered and opens it with a comment", async () => {
    const viewer = await token(s.storage, "vic", "viewer");
    const res = await server.app.request("/events", { headers: { authorization: `Bearer ${viewer}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe(": ready\n\n");
    await reader.cancel();
  });

  it("answers readiness without a token, and 503 once draining so the balancer stops sending", async () => {
    expect((await server.app.request("/readyz")).status).toBe(200);
    draining = true;
    const res = await server.app.request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, reason: "draining" });
    draining = false;
  });
});
