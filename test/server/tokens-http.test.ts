// Token management over HTTP (POST /tokens, DELETE /tokens/{id}) and the commanders' list of
// pending access requests (GET /access-requests), on both real backends. Every response is
// validated against the server's own /openapi.json.

import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerApp } from "../../src/server/app.js";
import { openApiValidator, openStorage, seedIncident, token, type Storage } from "./fixture.js";

describe.each(["sqlite", "postgres"] as const)("tokens and access requests over HTTP on %s", (kind) => {
  let s: Storage;
  let app: ReturnType<typeof createServerApp>["app"];
  let check: ReturnType<typeof openApiValidator>;
  let admin: string;

  beforeAll(async () => {
    s = await openStorage(kind);
    app = createServerApp({ store: s.storage.store, records: s.storage.records, clock: { now: () => new Date() }, rateLimit: 1000 }).app;
    check = openApiValidator(await (await app.request("/openapi.json")).json());
    admin = await token(s.storage, "ada", "admin");
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  async function call(method: string, template: string, opts: { params?: Record<string, string>; secret?: string; body?: unknown } = {}) {
    const path = template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(opts.params?.[k] ?? ""));
    const headers: Record<string, string> = {};
    if (opts.secret) headers.authorization = `Bearer ${opts.secret}`;
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    const res = await app.request(path, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
    const body = (await res.json()) as any;
    check(template, method, res.status, body);
    return { status: res.status, body };
  }

  it("creates a token for an admin, shows its secret once, keeps only its hash, and the new token works", async () => {
    const inc = await seedIncident(s.storage);
    const made = await call("POST", "/tokens", { secret: admin, body: { name: "rita", role: "responder" } });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatchObject({ name: "rita", role: "responder", kind: "person", revokedAt: null });
    const secret = made.body.secret as string;
    expect(secret).toMatch(/^fbk_[A-Za-z0-9_-]{43}$/);
    expect(made.body.next).toContain(`DELETE /tokens/${made.body.token.id}`);

    // The secret is never shown again, and the database holds its sha256 only.
    const list = await call("GET", "/tokens", { secret: admin });
    expect(JSON.stringify(list.body)).not.toContain(secret.slice(4, 20));
    const rows = await s.rows("api_tokens");
    const row = rows.find((r) => r.id === made.body.token.id)!;
    expect(row.hash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(rows)).not.toContain(secret.slice(4, 20));

    const note = await call("POST", "/incidents/{id}/notes", { params: { id: inc.id }, secret, body: { text: "on it" } });
    expect(note.status).toBe(200);
    expect(note.body.event.actor).toBe("rita");
    const audit = await s.storage.records.auditLog();
    expect(audit.some((a) => a.actor === "ada" && a.action === "token.created" && a.target === made.body.token.id)).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(secret.slice(4, 20));
  });

  it("refuses token changes from every role below admin (403, on the audit log) and creates nothing", async () => {
    const victim = (await call("POST", "/tokens", { secret: admin, body: { name: "vic", role: "viewer" } })).body.token.id as string;
    const before = (await s.storage.records.listTokens()).length;
    for (const role of ["viewer", "responder", "approver", "commander"] as const) {
      const who = await token(s.storage, `not-admin-${role}`, role);
      const made = await call("POST", "/tokens", { secret: who, body: { name: "mallory", role: "admin" } });
      expect(made.status, role).toBe(403);
      expect(made.body.error.code).toBe("SERVER_FORBIDDEN");
      const revoke = await call("DELETE", "/tokens/{id}", { params: { id: victim }, secret: who });
      expect(revoke.status, role).toBe(403);
      const audit = await s.storage.records.auditLog();
      expect(audit.filter((a) => a.actor === `not-admin-${role}` && a.action === "refused").length).toBe(2);
    }
    expect((await s.storage.records.listTokens()).length).toBe(before + 4); // only the four callers above
    expect((await s.storage.records.tokenById(victim))!.revokedAt).toBeNull();
  });

  it("never makes a token wider than its maker: no person token from a service, no wider scope, no later expiry", async () => {
    const inc = await seedIncident(s.storage);
    const other = await seedIncident(s.storage);
    const bot = await token(s.storage, "admin-bot", "admin", { kind: "service" });
    const asPerson = await call("POST", "/tokens", { secret: bot, body: { name: "fake-approver", role: "approver", kind: "person" } });
    expect(asPerson.status).toBe(403);
    expect(asPerson.body.error.message).toContain("a service token may not make a person token");
    // Left unsaid, the kind is the maker's: a service admin makes service tokens.
    const inherited = await call("POST", "/tokens", { secret: bot, body: { name: "ci-2", role: "approver" } });
    expect(inherited.status).toBe(201);
    expect(inherited.body.token.kind).toBe("service");

    const scoped = await token(s.storage, "scoped-admin", "admin", { incidentScope: inc.id, expiresAt: "2099-01-01T00:00:00Z" });
    const unscoped = await call("POST", "/tokens", {
      secret: scoped,
      body: { name: "wide", role: "viewer", expiresAt: "2098-01-01T00:00:00Z" },
    });
    expect(unscoped.status).toBe(403);
    expect(unscoped.body.error.details.join(" ")).toContain(`limited to ${inc.id}`);
    const elsewhere = await call("POST", "/tokens", {
      secret: scoped,
      body: { name: "wide", role: "viewer", incidentScope: other.id, expiresAt: "2098-01-01T00:00:00Z" },
    });
    expect(elsewhere.status).toBe(403);
    const forever = await call("POST", "/tokens", { secret: scoped, body: { name: "wide", role: "viewer", incidentScope: inc.id } });
    expect(forever.status).toBe(403);
    expect(forever.body.error.message).toContain("must expire by 2099-01-01");
    const fine = await call("POST", "/tokens", {
      secret: scoped,
      body: { name: "narrow", role: "viewer", incidentScope: inc.id, expiresAt: "2098-01-01T00:00:00Z" },
    });
    expect(fine.status).toBe(201);
    expect(fine.body.token).toMatchObject({ incidentScope: inc.id, expiresAt: "2098-01-01T00:00:00.000Z" });
    expect((await s.storage.records.listTokens()).map((t) => t.name)).not.toContain("fake-approver");
    expect((await s.storage.records.listTokens()).map((t) => t.name)).not.toContain("wide");
    const refusals = (await s.storage.records.auditLog()).filter((a) => a.action === "refused" && a.target === "tokens");
    expect(refusals.map((a) => a.data.name)).toEqual(expect.arrayContaining(["fake-approver", "wide"]));
  });

  it("checks a new token's input: an unknown role or kind, a bad name or date answers 400 USAGE", async () => {
    for (const bad of [
      { name: "x", role: "root" },
      { name: "x", role: "viewer", kind: "robot" },
      { name: "x", role: "viewer", expiresAt: "next tuesday" },
      { name: "bad/name", role: "viewer" },
      { role: "viewer" },
    ]) {
      const r = await call("POST", "/tokens", { secret: admin, body: bad });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.code).toBe("USAGE");
    }
  });

  it("revokes a token: it is refused from then on, the revocation is audited, and a second revoke changes nothing", async () => {
    const made = await call("POST", "/tokens", { secret: admin, body: { name: "temp", role: "viewer" } });
    const { id } = made.body.token;
    expect((await call("GET", "/incidents", { secret: made.body.secret })).status).toBe(200);
    const gone = await call("DELETE", "/tokens/{id}", { params: { id }, secret: admin });
    expect(gone.status).toBe(200);
    expect(gone.body.revoked).toBe(true);
    expect(gone.body.token.revokedAt).not.toBeNull();
    const after = await call("GET", "/incidents", { secret: made.body.secret });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toContain("revoked");
    const again = await call("DELETE", "/tokens/{id}", { params: { id }, secret: admin });
    expect(again.status).toBe(200);
    expect(again.body.revoked).toBe(false);
    const missing = await call("DELETE", "/tokens/{id}", { params: { id: "tok_nope" }, secret: admin });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("SERVER_NOT_FOUND");
    const audit = await s.storage.records.auditLog();
    expect(audit.filter((a) => a.action === "token.revoked" && a.target === id).map((a) => a.actor)).toEqual(["ada"]);
  });

  it("lists pending access requests for commanders: who, when, which incident, until the requester is a member", async () => {
    const secret = await seedIncident(s.storage, { criteria: ["auth-bypass"] });
    const asker = await token(s.storage, "paula", "responder");
    const cmdr = await token(s.storage, "cmdr", "commander");
    const req = { incident: secret.ticket, reason: "I own the login service" };
    expect((await call("POST", "/access-requests", { secret: asker, body: req })).status).toBe(202);
    expect((await call("POST", "/access-requests", { secret: asker, body: req })).status).toBe(202);
    // A request naming no incident is on the audit log but not in the list.
    expect((await call("POST", "/access-requests", { secret: asker, body: { incident: "ENG-404404", reason: "x" } })).status).toBe(202);

    const list = await call("GET", "/access-requests", { secret: cmdr });
    expect(list.status).toBe(200);
    const mine = list.body.requests.filter((r: any) => r.requester === "paula");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      requester: "paula",
      reason: "I own the login service",
      requests: 2,
      incident: { id: secret.id, ticket: secret.ticket, private: true },
    });
    expect(Date.parse(mine[0].at)).not.toBeNaN();

    // Below commander: refused. A commander limited to another incident does not see this one's requests.
    expect((await call("GET", "/access-requests", { secret: asker })).status).toBe(403);
    const elsewhere = await seedIncident(s.storage);
    const scopedCmdr = await token(s.storage, "cmdr-scoped", "commander", { incidentScope: elsewhere.id });
    const scopedList = await call("GET", "/access-requests", { secret: scopedCmdr });
    expect(scopedList.status).toBe(200);
    expect(scopedList.body.requests.map((r: any) => r.incident.id)).not.toContain(secret.id);

    await call("POST", "/incidents/{id}/members", { params: { id: secret.id }, secret: cmdr, body: { member: "paula" } });
    const after = await call("GET", "/access-requests", { secret: cmdr });
    expect(after.body.requests.filter((r: any) => r.requester === "paula")).toEqual([]);
  });
});
