// GET /events in process on both backends: live timeline events filtered by visibility, resume
// with Last-Event-ID, and replayed or forged ids that cannot reveal a private incident's events.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerApp } from "../../src/server/app.js";
import { openStorage, seedIncident, token, type Storage } from "./fixture.js";
import { notes, readSse } from "./sse-reader.js";

describe.each(["sqlite", "postgres"] as const)("GET /events on %s", (kind) => {
  let s: Storage;
  let server: ReturnType<typeof createServerApp>;
  const open = (secret: string | undefined, lastEventId?: string) =>
    server.app.request("/events", {
      headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(lastEventId ? { "last-event-id": lastEventId } : {}) },
    });
  const note = (secret: string, id: string, text: string) =>
    server.app.request(`/incidents/${id}/notes`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });

  beforeAll(async () => {
    s = await openStorage(kind);
    server = createServerApp({ store: s.storage.store, records: s.storage.records, clock: { now: () => new Date() }, pollMs: 200 });
  });
  afterAll(async () => {
    await server?.drain();
    await s?.cleanup();
  });

  it("refuses a stream without a token", async () => {
    const r = await open(undefined);
    expect(r.status).toBe(401);
  });

  it("streams what each caller may see: a non-member never gets a private incident's events, a member does", async () => {
    const pub = await seedIncident(s.storage);
    const priv = await seedIncident(s.storage, { criteria: ["data-exposure"] });
    const cmdr = await token(s.storage, "sse-cmdr", "commander");
    const outsider = await token(s.storage, "sse-out", "responder");
    const member = await token(s.storage, "sse-member", "viewer");
    await server.app.request(`/incidents/${priv.id}/members`, {
      method: "POST",
      headers: { authorization: `Bearer ${cmdr}`, "content-type": "application/json" },
      body: JSON.stringify({ member: "sse-member" }),
    });
    const outsiderStream = await open(outsider);
    const memberStream = await open(member);
    expect(outsiderStream.status).toBe(200);
    expect(outsiderStream.headers.get("content-type")).toContain("text/event-stream");
    const outsiderRead = readSse(outsiderStream, (m) => notes(m).includes("public two"));
    const memberRead = readSse(memberStream, (m) => notes(m).includes("public two"));
    // Written in this order, so the private note reaches each stream before the last public one.
    expect((await note(cmdr, pub.id, "public one")).status).toBe(200);
    expect((await note(cmdr, priv.id, "private detail")).status).toBe(200);
    expect((await note(cmdr, pub.id, "public two")).status).toBe(200);
    expect(notes(await outsiderRead, [pub.id, priv.id])).toEqual(["public one", "public two"]);
    expect(notes(await memberRead, [pub.id, priv.id])).toEqual(["public one", "private detail", "public two"]);
  });

  it("ends the stream of a token revoked while it is open, before sending it anything more", async () => {
    let offset = 0;
    const clock = { now: () => new Date(Date.now() + offset) };
    const own = createServerApp({ store: s.storage.store, records: s.storage.records, clock, pollMs: 200 });
    try {
      const inc = await seedIncident(s.storage);
      const cmdr = await token(s.storage, "rev-cmdr", "commander");
      const leaver = await token(s.storage, "leaver", "viewer");
      const stream = await own.app.request("/events", { headers: { authorization: `Bearer ${leaver}` } });
      const post = (text: string) =>
        own.app.request(`/incidents/${inc.id}/notes`, {
          method: "POST",
          headers: { authorization: `Bearer ${cmdr}`, "content-type": "application/json" },
          body: JSON.stringify({ text }),
        });
      const read = readSse(stream, () => false); // until the server ends it
      await post("before revocation");
      const id = (await s.storage.records.listTokens()).find((t) => t.name === "leaver")!.id;
      await s.storage.records.revokeToken(id);
      offset = 3000; // past the stream's 2-second re-check of its token
      await post("after revocation");
      await post("later still");
      const got = notes(await read);
      expect(got).not.toContain("after revocation");
      expect(got).not.toContain("later still");
    } finally {
      await own.drain();
    }
  });

  it("resumes after Last-Event-ID, and a replayed or forged id reveals nothing private", async () => {
    const pub = await seedIncident(s.storage);
    const priv = await seedIncident(s.storage, { criteria: ["auth-bypass"] });
    const cmdr = await token(s.storage, "resume-cmdr", "commander");
    const outsider = await token(s.storage, "resume-out", "viewer");
    const first = await open(cmdr);
    const firstRead = readSse(first, (m) => notes(m).includes("r3"));
    await note(cmdr, pub.id, "r1");
    await note(cmdr, priv.id, "r2 secret");
    await note(cmdr, pub.id, "r3");
    const seen = await firstRead;
    const r1 = seen.find((m) => m.data.includes('"r1"'))!;
    const r2 = seen.find((m) => m.data.includes("r2 secret"))!;
    expect(notes(seen, [pub.id, priv.id])).toEqual(["r1", "r2 secret", "r3"]);

    // The commander resumes after r1: r2 and r3, not r1 again.
    const again = await readSse(await open(cmdr, r1.id), (m) => notes(m).includes("r3"));
    expect(notes(again, [pub.id, priv.id])).toEqual(["r2 secret", "r3"]);
    // The outsider replays the same id, and the private event's own id: only public events come.
    const replay = await readSse(await open(outsider, r1.id), (m) => notes(m).includes("r3"));
    expect(notes(replay, [pub.id, priv.id])).toEqual(["r3"]);
    expect(replay.map((m) => m.id)).not.toContain(r2.id);
    const forged = await readSse(await open(outsider, r2.id), (m) => notes(m).includes("r3"));
    expect(notes(forged, [pub.id, priv.id])).toEqual(["r3"]);
    expect(JSON.stringify(forged)).not.toContain(priv.id);
  });
});
