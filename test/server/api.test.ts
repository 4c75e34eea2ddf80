// The team server's API in process (app.request) on both real backends: authentication, roles,
// private incidents on every read path, the person rule, own-fix approvals, the audit log, rate
// and body limits. Every response is validated against the server's /openapi.json.

import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerApp } from "../../src/server/app.js";
import { openApiValidator, openStorage, seedIncident, token, type Storage } from "./fixture.js";

describe.each(["sqlite", "postgres"] as const)("team server API on %s", (kind) => {
  let s: Storage;
  let app: ReturnType<typeof createServerApp>["app"];
  let check: ReturnType<typeof openApiValidator>;

  beforeAll(async () => {
    s = await openStorage(kind);
    app = createServerApp({
      store: s.storage.store,
      records: s.storage.records,
      clock: { now: () => new Date() },
      rateLimit: 1000,
      maxBody: 8 * 1024,
    }).app;
    check = openApiValidator(await (await app.request("/openapi.json")).json());
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  async function call(
    method: string,
    template: string,
    opts: { params?: Record<string, string>; secret?: string; body?: unknown; raw?: string } = {},
  ) {
    const path = template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(opts.params?.[k] ?? ""));
    const headers: Record<string, string> = {};
    if (opts.secret) headers.authorization = `Bearer ${opts.secret}`;
    if (opts.body !== undefined || opts.raw !== undefined) headers["content-type"] = "application/json";
    const res = await app.request(path, {
      method,
      headers,
      ...(opts.raw !== undefined ? { body: opts.raw } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const body = (await res.json()) as any;
    check(template.split("?")[0]!, method, res.status, body);
    // No stack, ever: neither the word nor a file path of ours.
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+|node_modules|src\//);
    return { status: res.status, body, headers: res.headers };
  }

  it("refuses every API route without a token (401), with the catalogue's code, why and next", async () => {
    const inc = await seedIncident(s.storage);
    for (const [m, p] of [
      ["GET", "/incidents"],
      ["GET", "/counts"],
      ["GET", "/incidents/{id}"],
      ["GET", "/incidents/{id}/timeline"],
      ["GET", "/incidents/{id}/checklist"],
      ["POST", "/incidents/{id}/notes"],
      ["POST", "/incidents/{id}/approve"],
      ["POST", "/incidents/{id}/waive"],
      ["GET", "/tokens"],
    ] as const) {
      const r = await call(m, p, { params: { id: inc.id }, ...(m === "POST" ? { body: { text: "x" } } : {}) });
      expect(r.status, `${m} ${p}`).toBe(401);
      expect(r.body.error.code).toBe("SERVER_UNAUTHENTICATED");
      expect(r.body.error.next).toContain("firebreak token create");
    }
    const wrong = await call("GET", "/incidents", { secret: "fbk_not-a-token" });
    expect(wrong.status).toBe(401);
  });

  it("lets a viewer read and refuses its writes (403), recording the refusal on the audit log", async () => {
    const inc = await seedIncident(s.storage);
    const viewer = await token(s.storage, "vera", "viewer");
    const list = await call("GET", "/incidents", { secret: viewer });
    expect(list.status).toBe(200);
    expect(list.body.incidents.map((i: any) => i.ticket)).toContain(inc.ticket);
    const note = await call("POST", "/incidents/{id}/notes", {
      params: { id: inc.id },
      secret: viewer,
      body: { text: "root cause found" },
    });
    expect(note.status).toBe(403);
    expect(note.body.error.code).toBe("SERVER_FORBIDDEN");
    expect((await s.storage.store.timeline(inc.id)).map((e) => e.kind)).not.toContain("note");
    const audit = await s.storage.records.auditLog();
    expect(audit.some((a) => a.actor === "vera" && a.action === "refused" && a.target === inc.id)).toBe(true);
  });

  it("writes a responder's note and confirmation with the token's name as the actor, and reads them back", async () => {
    const inc = await seedIncident(s.storage);
    const rita = await token(s.storage, "rita", "responder");
    const note = await call("POST", "/incidents/{id}/notes", {
      params: { id: inc.ticket },
      secret: rita,
      body: { text: "root cause: expiry not checked" },
    });
    expect(note.status).toBe(200);
    expect(note.body.event).toMatchObject({ kind: "note", actor: "rita", data: { text: "root cause: expiry not checked" } });
    const conf = await call("POST", "/incidents/{id}/confirm", { params: { id: inc.id }, secret: rita, body: { item: "reproduced" } });
    expect(conf.status).toBe(200);
    expect(conf.body.event).toMatchObject({ kind: "confirm.reproduced", actor: "rita" });
    const tl = await call("GET", "/incidents/{id}/timeline", { params: { id: inc.id }, secret: rita });
    expect(tl.body.events.map((e: any) => e.kind)).toEqual(["incident.started", "note", "confirm.reproduced"]);
    const cl = await call("GET", "/incidents/{id}/checklist", { params: { id: inc.id }, secret: rita });
    expect(cl.body.items.find((i: any) => i.id === "reproduced")?.state).toBe("done");
    const bad = await call("POST", "/incidents/{id}/confirm", { params: { id: inc.id }, secret: rita, body: { item: "rm -rf /" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("USAGE");
  });

  it("hides a security incident from a non-member on every read path until a commander adds them", async () => {
    const secret = await seedIncident(s.storage, { criteria: ["auth-bypass"] });
    const open = await seedIncident(s.storage);
    const outsider = await token(s.storage, "otto", "approver");
    const cmdr = await token(s.storage, "cora", "commander");
    const visible = async (who: string) => {
      const list = await call("GET", "/incidents", { secret: who });
      const all = await call("GET", "/incidents?all=true", { secret: who });
      const counts = await call("GET", "/counts", { secret: who });
      const get = await call("GET", "/incidents/{id}", { params: { id: secret.id }, secret: who });
      const byTicket = await call("GET", "/incidents/{id}", { params: { id: secret.ticket }, secret: who });
      const tl = await call("GET", "/incidents/{id}/timeline", { params: { id: secret.id }, secret: who });
      const cl = await call("GET", "/incidents/{id}/checklist", { params: { id: secret.id }, secret: who });
      const note = await call("POST", "/incidents/{id}/notes", { params: { id: secret.id }, secret: who, body: { text: "probe" } });
      return {
        list: list.body.incidents.some((i: any) => i.id === secret.id),
        all: all.body.incidents.some((i: any) => i.id === secret.id),
        total: counts.body.total,
        get: get.status,
        byTicket: byTicket.status,
        timeline: tl.status,
        checklist: cl.status,
        write: note.status,
        openListed: list.body.incidents.some((i: any) => i.id === open.id),
      };
    };
    const before = await visible(outsider);
    expect(before).toMatchObject({
      list: false,
      all: false,
      get: 404,
      byTicket: 404,
      timeline: 404,
      checklist: 404,
      write: 404,
      openListed: true,
    });
    // A hidden incident answers exactly like one that does not exist.
    const missing = await call("GET", "/incidents/{id}", { params: { id: "inc_nope" }, secret: outsider });
    const hidden = await call("GET", "/incidents/{id}", { params: { id: secret.id }, secret: outsider });
    expect(hidden.body.error.code).toBe(missing.body.error.code);
    const cmdrView = await call("GET", "/incidents/{id}", { params: { id: secret.id }, secret: cmdr });
    expect(cmdrView.body).toMatchObject({ id: secret.id, private: true });

    const otherNotMember = await call("POST", "/incidents/{id}/members", {
      params: { id: open.id },
      secret: outsider,
      body: { member: "otto" },
    });
    expect(otherNotMember.status).toBe(403);
    const add = await call("POST", "/incidents/{id}/members", { params: { id: secret.id }, secret: cmdr, body: { member: "otto" } });
    expect(add.body).toEqual({ members: ["otto"], added: true });
    const after = await visible(outsider);
    expect(after).toMatchObject({ list: true, all: true, get: 200, byTicket: 200, timeline: 200, checklist: 200, total: before.total + 1 });
    expect(
      (await s.storage.records.auditLog()).some((a) => a.action === "member.added" && a.target === secret.id && a.actor === "cora"),
    ).toBe(true);
  });

  it("records a request for access the same way whether the incident exists, is private or not, and throttles it", async () => {
    const priv = await seedIncident(s.storage, { criteria: ["auth-bypass"] });
    const asker = await token(s.storage, "asker", "viewer");
    const ask = (incident: string) =>
      call("POST", "/access-requests", { secret: asker, body: { incident, reason: "I own the login service" } });
    const real = await ask(priv.ticket);
    const fake = await ask("ENG-NOPE");
    expect(real.status).toBe(202);
    expect(fake.status).toBe(202);
    expect(real.body).toEqual(fake.body);
    const audit = (await s.storage.records.auditLog()).filter((a) => a.action === "access.requested" && a.actor === "asker");
    expect(audit.map((a) => a.target)).toEqual([priv.id, "ENG-NOPE"]);
    for (let i = 0; i < 3; i++) expect((await ask(priv.id)).status).toBe(202);
    const over = await ask(priv.id);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(60);
    // Asking does not let the asker in.
    expect((await call("GET", "/incidents/{id}", { params: { id: priv.id }, secret: asker })).status).toBe(404);
  });

  it("limits a scoped token to its one incident", async () => {
    const mine = await seedIncident(s.storage);
    const other = await seedIncident(s.storage);
    const scoped = await token(s.storage, "ci-bot", "responder", { kind: "service", incidentScope: mine.id });
    const list = await call("GET", "/incidents", { secret: scoped });
    expect(list.body.incidents.map((i: any) => i.id)).toEqual([mine.id]);
    expect((await call("GET", "/incidents/{id}", { params: { id: other.id }, secret: scoped })).status).toBe(404);
  });

  it("records a person approver's approval, and refuses an approver approving their own fix", async () => {
    const inc = await seedIncident(s.storage, { pr: true, committedBy: "fred" });
    const fred = await token(s.storage, "fred", "approver");
    const ann = await token(s.storage, "ann", "approver");
    const own = await call("POST", "/incidents/{id}/approve", { params: { id: inc.id }, secret: fred, body: {} });
    expect(own.status).toBe(403);
    expect(own.body.error.message).toContain("fred made a commit");
    const ok = await call("POST", "/incidents/{id}/approve", { params: { id: inc.id }, secret: ann, body: { note: "looks right" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ by: "ann", note: "looks right", number: 1 });
    const approvals = (await s.storage.store.timeline(inc.id)).filter((e) => e.kind === "review.approved");
    expect(approvals.map((e) => e.actor)).toEqual(["ann"]);
    const audit = await s.storage.records.auditLog();
    expect(audit.some((a) => a.actor === "fred" && a.action === "refused" && a.data.what === "approve")).toBe(true);
    expect(audit.some((a) => a.actor === "ann" && a.action === "approval")).toBe(true);
  });

  it("approves the commit last pushed for review, so a later push needs approving again", async () => {
    const inc = await seedIncident(s.storage, { pr: true, committedBy: "fred" });
    const pushed = "c".repeat(40);
    await s.storage.store.appendEvent(inc.id, {
      at: new Date().toISOString(),
      actor: "fred",
      kind: "branch.pushed",
      data: { key: `pr.push:${inc.branch}@${pushed}`, remote: "origin", branch: inc.branch, sha: pushed, summary: "pushed" },
    });
    const gail = await token(s.storage, "gail", "approver");
    const ok = await call("POST", "/incidents/{id}/approve", { params: { id: inc.id }, secret: gail, body: {} });
    expect(ok.status).toBe(200);
    const approval = (await s.storage.store.timeline(inc.id)).find((e) => e.kind === "review.approved");
    expect(approval?.data.sha).toBe(pushed);
  });

  it("refuses an approval or a waiver from an agent or a service token, whatever its role (the core's PERSON_REQUIRED)", async () => {
    const inc = await seedIncident(s.storage, { priority: "P0", pr: true });
    const agent = await token(s.storage, "copilot", "commander", { kind: "agent" });
    const bot = await token(s.storage, "deploy-bot", "admin", { kind: "service" });
    for (const who of [agent, bot]) {
      const a = await call("POST", "/incidents/{id}/approve", { params: { id: inc.id }, secret: who, body: {} });
      expect(a.status).toBe(403);
      expect(a.body.error.code).toBe("PERSON_REQUIRED");
      const w = await call("POST", "/incidents/{id}/waive", {
        params: { id: inc.id },
        secret: who,
        body: { item: "approval", reason: "reviewer asleep" },
      });
      expect(w.status).toBe(403);
      expect(w.body.error.code).toBe("PERSON_REQUIRED");
    }
    const kinds = (await s.storage.store.timeline(inc.id)).map((e) => e.kind);
    expect(kinds).not.toContain("review.approved");
    expect(kinds).not.toContain("approval.waived");
    const cora = await token(s.storage, "carl", "commander");
    const w = await call("POST", "/incidents/{id}/waive", {
      params: { id: inc.id },
      secret: cora,
      body: { item: "approval", reason: "reviewer unreachable at 3am" },
    });
    expect(w.status).toBe(200);
    expect(w.body).toMatchObject({ item: "approval", by: "carl" });
    const responder = await token(s.storage, "rob", "responder");
    const r = await call("POST", "/incidents/{id}/waive", {
      params: { id: inc.id },
      secret: responder,
      body: { item: "approval", reason: "x" },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("SERVER_FORBIDDEN");
  });

  it("refuses expired and revoked tokens, and keeps only hashes of tokens in the database", async () => {
    const expired = await token(s.storage, "old", "viewer", { expiresAt: new Date(Date.now() - 1000).toISOString() });
    const live = await token(s.storage, "live", "viewer", { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await call("GET", "/incidents", { secret: expired })).status).toBe(401);
    expect((await call("GET", "/incidents", { secret: live })).status).toBe(200);
    const row = (await s.storage.records.listTokens()).find((t) => t.name === "live")!;
    expect(row.lastUsedAt).not.toBeNull();
    await s.storage.records.revokeToken(row.id);
    const revoked = await call("GET", "/incidents", { secret: live });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toContain("revoked");

    const rows = await s.rows("api_tokens");
    const dump = JSON.stringify(rows);
    for (const secret of [expired, live]) {
      expect(dump).not.toContain(secret);
      expect(dump).toContain(createHash("sha256").update(secret).digest("hex"));
    }
    expect(JSON.stringify(await s.rows("audit_log"))).not.toContain(live);
  });

  it("lists tokens for an admin only, never with a secret or a hash", async () => {
    const admin = await token(s.storage, "root", "admin");
    const cmdr = await token(s.storage, "cmd2", "commander");
    expect((await call("GET", "/tokens", { secret: cmdr })).status).toBe(403);
    const r = await call("GET", "/tokens", { secret: admin });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toMatch(/fbk_|"hash"/);
    expect(JSON.stringify(r.body)).not.toContain(createHash("sha256").update(admin).digest("hex"));
  });

  it("refuses an oversized body (413) and a malformed one (400) before doing anything", async () => {
    const inc = await seedIncident(s.storage);
    const rita = await token(s.storage, "rita2", "responder");
    const big = await call("POST", "/incidents/{id}/notes", {
      params: { id: inc.id },
      secret: rita,
      raw: JSON.stringify({ text: "x".repeat(20_000) }),
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("SERVER_BODY_TOO_LARGE");
    const broken = await call("POST", "/incidents/{id}/notes", { params: { id: inc.id }, secret: rita, raw: "{not json" });
    expect(broken.status).toBe(400);
    const empty = await call("POST", "/incidents/{id}/notes", { params: { id: inc.id }, secret: rita, body: { text: "   " } });
    expect(empty.status).toBe(400);
    expect((await s.storage.store.timeline(inc.id)).length).toBe(1);
  });

  it("keeps an audit log whose hash chain verifies, and fails verification after an edit", async () => {
    const { verifyAuditChain } = await import("../../src/store/server-records.js");
    const entries = await s.storage.records.auditLog();
    expect(entries.length).toBeGreaterThan(5);
    expect(verifyAuditChain(entries)).toEqual({ ok: true, checked: entries.length });
    const edited = entries.map((e, i) => (i === 2 ? { ...e, actor: "mallory" } : e));
    expect(verifyAuditChain(edited)).toMatchObject({ ok: false, problem: { seq: 3, reason: "edited" } });
    expect(verifyAuditChain(entries.filter((_, i) => i !== 1))).toMatchObject({ ok: false, problem: { seq: 3, reason: "deleted" } });
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After once a token spends its budget for the minute", async () => {
    const s = await openStorage("sqlite");
    try {
      const { app } = createServerApp({
        store: s.storage.store,
        records: s.storage.records,
        clock: { now: () => new Date() },
        rateLimit: 3,
      });
      const t = await token(s.storage, "busy", "viewer");
      const other = await token(s.storage, "calm", "viewer");
      const h = { authorization: `Bearer ${t}` };
      for (let i = 0; i < 3; i++) expect((await app.request("/incidents", { headers: h })).status).toBe(200);
      const over = await app.request("/incidents", { headers: h });
      expect(over.status).toBe(429);
      expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(((await over.json()) as any).error.code).toBe("SERVER_RATE_LIMITED");
      // The budget is per token.
      expect((await app.request("/incidents", { headers: { authorization: `Bearer ${other}` } })).status).toBe(200);
    } finally {
      await s.cleanup();
    }
  });
});
