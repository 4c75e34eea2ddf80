// Dashboard sessions in process on SQLite: Secure behind HTTPS, a new id at every sign-in (the
// old one ended), only a hash in the database, and a sign-in form from another origin refused.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerApp } from "../../src/server/app.js";
import { openStorage, token, type Storage } from "../server/fixture.js";

let s: Storage;
let server: ReturnType<typeof createServerApp>;

beforeAll(async () => {
  s = await openStorage("sqlite");
  server = createServerApp({ store: s.storage.store, records: s.storage.records, clock: { now: () => new Date() } });
});
afterAll(async () => {
  await server?.drain();
  await s?.cleanup();
});

const ORIGIN = "http://dash.test";
const signIn = (secret: string, headers: Record<string, string> = {}) =>
  server.app.request(`${ORIGIN}/ui/signin`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ token: secret }).toString(),
  });
const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0]!;

describe("dashboard sessions", () => {
  it("marks the cookie Secure behind HTTPS and not over plain HTTP", async () => {
    const secret = await token(s.storage, "sess-https", "viewer");
    const plain = await signIn(secret);
    expect(plain.status).toBe(303);
    expect(plain.headers.get("set-cookie")).toMatch(/HttpOnly/);
    expect(plain.headers.get("set-cookie")).toMatch(/SameSite=Strict/);
    expect(plain.headers.get("set-cookie")).not.toMatch(/Secure/);
    const https = await server.app.request("https://dash.test/ui/signin", {
      method: "POST",
      headers: { origin: "https://dash.test", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: secret }).toString(),
    });
    expect(https.headers.get("set-cookie")).toMatch(/; Secure/);
    const proxied = await signIn(secret, { "x-forwarded-proto": "https", origin: "https://dash.test" });
    expect(proxied.status).toBe(303);
    expect(proxied.headers.get("set-cookie")).toMatch(/; Secure/);
  });

  it("rotates the session at sign-in, keeps only its hash, and refuses a sign-in posted from another site", async () => {
    const secret = await token(s.storage, "sess-rot", "viewer");
    const first = cookieOf(await signIn(secret));
    expect((await server.app.request(`${ORIGIN}/ui`, { headers: { cookie: first } })).status).toBe(200);
    const second = await signIn(secret, { cookie: first });
    const next = cookieOf(second);
    expect(next).not.toBe(first);
    expect((await server.app.request(`${ORIGIN}/ui`, { headers: { cookie: first } })).status).toBe(303);
    expect((await server.app.request(`${ORIGIN}/ui`, { headers: { cookie: next } })).status).toBe(200);
    const rows = JSON.stringify(await s.rows("dashboard_sessions"));
    expect(rows).not.toContain(next.split("=")[1]);
    const forged = await signIn(secret, { origin: "http://evil.example" });
    expect(forged.status).toBe(403);
    expect(forged.headers.get("set-cookie")).toBeNull();
  });
});

describe("dashboard pages", () => {
  it("answers an unknown page with an HTML 404 behind the sign-in, and still serves its live stream", async () => {
    expect((await server.app.request(`${ORIGIN}/ui/nope`)).status).toBe(303);
    const secret = await token(s.storage, "pages-pat", "viewer");
    const cookie = cookieOf(await signIn(secret));
    const missing = await server.app.request(`${ORIGIN}/ui/nope`, { headers: { cookie } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("text/html");
    const events = await server.app.request(`${ORIGIN}/ui/events`, { headers: { cookie } });
    expect(events.headers.get("content-type")).toContain("text/event-stream");
    await events.body?.cancel();
  });
});
