// Teams as tenants: one server (a real listener on a free port) and one database hold two teams,
// and team B's tokens, even an admin's and a commander's, see nothing of team A on any read path
// (list, get, find by ticket and branch, counts, SSE live and on a Last-Event-ID resume, the
// dashboard's pages, CSV and incident log, MCP, tokens, leases, the audit log) and can change
// nothing of it (answered as not found). Both teams run ENG-1 with the same lock names at once.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event } from "../../src/domain/events/index.js";
import type { Incident } from "../../src/domain/types.js";
import type { Store } from "../../src/ports.js";
import { silentLogger } from "../../src/server/log.js";
import { startServer, type RunningServer } from "../../src/server/serve.js";
import { issueToken } from "../../src/server/tokens.js";
import type { Role, ServerRecords } from "../../src/store/server-records.js";
import { openStorage as openFixtureStorage, type Storage } from "./fixture.js";
import { readSse, type SseMessage } from "./sse-reader.js";

const at = () => new Date().toISOString();

async function start(store: Store, ticket: string, team: string, criteria = ["production-unavailable"]): Promise<Incident> {
  return store.createIncident(
    {
      ticket,
      title: `${ticket} ${team} checkout down`,
      priority: "P1",
      criteria,
      discoveredAt: at(),
      deadlineAt: at(),
      branch: `hotfix/${ticket}`,
      base: "main",
      remote: "origin",
    },
    { at: at(), actor: "tester", ...event("incident.started", { priority: "P1", criteria, summary: "started" }) },
  );
}

const issue = async (records: ServerRecords, name: string, role: Role) =>
  (await issueToken(records, { name, role }, "tests", new Date())).secret;

describe.each(["postgres", "sqlite"] as const)("two teams on one server (%s)", (kind) => {
  let s: Storage;
  let server: RunningServer;
  let incA: Incident;
  let privA: Incident;
  let incB: Incident;
  const tok: Record<string, string> = {};
  const clients = new Set<Client>();

  beforeAll(async () => {
    s = await openFixtureStorage(kind);
    await s.storage.close(); // the server opens the database itself
    server = await startServer({
      env: { ...s.env, FIREBREAK_SSE_POLL_MS: "200" },
      sqlitePath: s.sqlitePath,
      host: "127.0.0.1",
      port: 0,
      log: silentLogger,
    });
    const st = server.storage;
    const a = st.store.forTeam("alpha");
    const b = st.store.forTeam("bravo");
    incA = await start(a, "ENG-1", "alpha");
    privA = await start(a, "ENG-2", "alpha", ["auth-bypass"]);
    // The same ticket in the other team, at the same time: no "already in progress".
    incB = await start(b, "ENG-1", "bravo");
    for (const [team, names] of [
      ["alpha", ["admin", "commander", "viewer"]],
      ["bravo", ["admin", "commander", "approver", "viewer"]],
    ] as const)
      for (const n of names) tok[`${team}-${n}`] = await issue(st.records.forTeam(team), `${n}`, n as Role);
    await st.records.forTeam("alpha").addMember(privA.id, "viewer", "tests");
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await server?.close();
    await s?.cleanup().catch(() => undefined);
  });

  const get = (path: string, who: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${tok[who]}`, ...headers } });
  const post = (path: string, who: string, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${tok[who]}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const storeCall = async (who: string, method: string, args: unknown[]) => {
    const r = await post(`/store/${method}`, who, { args });
    return { status: r.status, body: (await r.json()) as any };
  };

  it("names the team in /whoami, and lists each team's own incidents only", async () => {
    expect(await (await get("/whoami", "bravo-admin")).json()).toMatchObject({ name: "admin", role: "admin", team: "bravo" });
    for (const who of ["bravo-admin", "bravo-commander", "bravo-viewer"]) {
      const list = (await (await get("/incidents?all=true", who)).json()) as { incidents: Incident[] };
      expect(list.incidents.map((i) => i.id)).toEqual([incB.id]);
      expect(await (await get("/counts", who)).json()).toEqual({ total: 1, byStatus: { open: 1 } });
    }
    const alpha = (await (await get("/incidents?all=true", "alpha-commander")).json()) as { incidents: Incident[] };
    expect(alpha.incidents.map((i) => i.id).sort()).toEqual([incA.id, privA.id].sort());
  });

  it("answers team A's incident as not found to team B on every read, by id, ticket and branch", async () => {
    for (const who of ["bravo-admin", "bravo-commander"]) {
      for (const path of [`/incidents/${incA.id}`, `/incidents/${incA.id}/timeline`, `/incidents/${privA.id}/checklist`])
        expect((await get(path, who)).status, `${who} ${path}`).toBe(404);
      // By ticket: the caller's own ENG-1, never team A's.
      expect(((await (await get("/incidents/ENG-1", who)).json()) as Incident).id).toBe(incB.id);
      expect((await get("/incidents/ENG-2", who)).status).toBe(404);
      for (const [method, arg] of [
        ["getIncident", incA.id],
        ["findByTicket", "ENG-2"],
        ["findActiveByTicket", "ENG-2"],
        ["findByBranch", "hotfix/ENG-2"],
      ] as const)
        expect((await storeCall(who, method, [arg])).body.result, method).toBeNull();
      expect((await storeCall(who, "findByBranch", ["hotfix/ENG-1"])).body.result.id).toBe(incB.id);
      for (const method of ["timeline", "verifyTimeline", "listEffects"])
        expect((await storeCall(who, method, [incA.id])).body.error.code, method).toBe("NO_INCIDENT");
      const all = (await storeCall(who, "listIncidents", [{ all: true }])).body.result as Incident[];
      expect(all.map((i) => i.id)).toEqual([incB.id]);
    }
  });

  it("refuses every write of team B to team A's incidents as not found", async () => {
    const who = "bravo-commander";
    expect((await post(`/incidents/${incA.id}/notes`, who, { text: "bravo was here" })).status).toBe(404);
    expect((await post(`/incidents/${incA.id}/confirm`, who, { item: "oncall-notified" })).status).toBe(404);
    expect((await post(`/incidents/${incA.id}/approve`, "bravo-approver", {})).status).toBe(404);
    expect((await post(`/incidents/${incA.id}/waive`, who, { item: "approval", reason: "no" })).status).toBe(404);
    expect((await post(`/incidents/${privA.id}/members`, who, { member: "commander" })).status).toBe(404);
    const note = { at: at(), actor: "x", ...event("note", { text: "bravo was here", summary: "n" }) };
    expect((await storeCall(who, "appendEvent", [incA.id, note])).status).toBe(404);
    expect((await storeCall(who, "updateIncident", [incA.id, { status: "resolved" }])).status).toBe(404);
    const tl = await server.storage.store.forTeam("alpha").timeline(incA.id);
    expect(tl.map((e) => e.kind)).toEqual(["incident.started"]);
    expect((await server.storage.store.forTeam("alpha").getIncident(incA.id))?.status).toBe("open");
  });

  it("holds the same lock names in both teams at once, and shows and releases each team's own", async () => {
    const lease = (id: string) => ({
      id,
      names: ["incident-ENG-1", "env-production"],
      holder: { actor: "x", command: "ship", ticket: "ENG-1", host: "h", pid: 1 },
      now: at(),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      takeOver: [],
    });
    const a = await storeCall("alpha-commander", "acquireLeases", [lease("lk_alpha")]);
    const b = await storeCall("bravo-commander", "acquireLeases", [lease("lk_bravo")]);
    expect(a.body.result.ok, JSON.stringify(a.body)).toBe(true);
    expect(b.body.result.ok, JSON.stringify(b.body)).toBe(true);
    const mine = (await storeCall("bravo-commander", "listLeases", [])).body.result as { id: string }[];
    expect(mine.map((l) => l.id)).toEqual(["lk_bravo", "lk_bravo"]);
    // Team B releasing or renewing team A's lock id touches nothing.
    expect((await storeCall("bravo-commander", "releaseLeases", ["lk_alpha"])).body.result).toEqual([]);
    expect((await storeCall("bravo-commander", "renewLeases", ["lk_alpha", a.body.result.token, at()])).body.result).toBe(false);
    const alpha = (await storeCall("alpha-commander", "listLeases", [])).body.result as { id: string }[];
    expect(alpha.map((l) => l.id)).toEqual(["lk_alpha", "lk_alpha"]);
    for (const [who, id] of [
      ["alpha-commander", "lk_alpha"],
      ["bravo-commander", "lk_bravo"],
    ] as const)
      expect((await storeCall(who, "releaseLeases", [id])).body.result).toHaveLength(2);
  });

  it("lists, makes and revokes tokens within the admin's own team only", async () => {
    const listed = (await (await get("/tokens", "bravo-admin")).json()) as { tokens: { id: string; team: string; name: string }[] };
    expect(new Set(listed.tokens.map((t) => t.team))).toEqual(new Set(["bravo"]));
    expect(listed.tokens.map((t) => t.name).sort()).toEqual(["admin", "approver", "commander", "viewer"]);
    const alphaTokens = await server.storage.records.forTeam("alpha").listTokens();
    const alphaViewer = alphaTokens.find((t) => t.name === "viewer")!;
    const del = await fetch(`${server.url}/tokens/${alphaViewer.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${tok["bravo-admin"]}` },
    });
    expect(del.status).toBe(404);
    expect(((await del.json()) as any).error.code).toBe("SERVER_NOT_FOUND");
    expect((await get("/whoami", "alpha-viewer")).status).toBe(200);
    // A name already used in team A is free in team B.
    const made = await post("/tokens", "bravo-admin", { name: "rita", role: "responder" });
    expect(made.status).toBe(201);
    const { secret, token } = (await made.json()) as { secret: string; token: { team: string } };
    expect(token.team).toBe("bravo");
    const rita = await fetch(`${server.url}/whoami`, { headers: { authorization: `Bearer ${secret}` } });
    expect(await rita.json()).toMatchObject({ name: "rita", team: "bravo" });
  });

  it("keeps each team's audit log, and its hash chain, to itself", async () => {
    const alpha = await server.storage.records.forTeam("alpha").auditLog();
    const bravo = await server.storage.records.forTeam("bravo").auditLog();
    expect(alpha.length).toBeGreaterThan(0);
    expect(bravo.length).toBeGreaterThan(0);
    expect(alpha[0]!.seq).toBe(1);
    expect(bravo[0]!.seq).toBe(1);
    // Team B's refused writes above are on B's log, naming A's incident id only there.
    expect(alpha.some((e) => e.actor === "commander" && e.action === "refused")).toBe(false);
    expect(bravo.some((e) => e.action === "token.created" && e.data.name === "rita")).toBe(true);
    expect(alpha.some((e) => e.data.name === "rita")).toBe(false);
    expect(await server.storage.records.forTeam("alpha").verifyAudit()).toMatchObject({ ok: true });
    expect(await server.storage.records.forTeam("bravo").verifyAudit()).toMatchObject({ ok: true });
    // A commander's pending access requests are the team's own.
    await post("/access-requests", "bravo-viewer", { incident: privA.id, reason: "curious" });
    const pending = (await (await get("/access-requests", "alpha-commander")).json()) as { requests: unknown[] };
    expect(pending.requests).toEqual([]);
  });

  it("streams each team its own events only, live and on a Last-Event-ID resume", async () => {
    const open = async (who: string, lastId?: string) => {
      const res = await get("/events", who, lastId ? { "last-event-id": lastId } : {});
      expect(res.status).toBe(200);
      let ready: () => void = () => undefined;
      const subscribed = new Promise<void>((r) => (ready = r));
      const msgs = readSse(
        res,
        (m) => m.some((x) => x.data.includes("bravo done")),
        15_000,
        (c) => c === "ready" && ready(),
      );
      await subscribed;
      return { msgs }; // wrapped: an async function would otherwise wait for the whole stream
    };
    const alphaStore = server.storage.store.forTeam("alpha");
    const bravoStore = server.storage.store.forTeam("bravo");
    const first = await bravoStore.appendEvent(incB.id, { at: at(), actor: "t", ...event("note", { text: "bravo start", summary: "n" }) });
    const cursor = [first.recordedAt, first.incidentId, first.seq].join("~");
    const live = await open("bravo-admin");
    await alphaStore.appendEvent(incA.id, { at: at(), actor: "t", ...event("note", { text: "alpha secret", summary: "n" }) });
    await alphaStore.appendEvent(privA.id, { at: at(), actor: "t", ...event("note", { text: "alpha private", summary: "n" }) });
    await bravoStore.appendEvent(incB.id, { at: at(), actor: "t", ...event("note", { text: "bravo done", summary: "n" }) });
    const seen = await live.msgs;
    const ids = (m: SseMessage[]) => m.filter((x) => x.event === "timeline").map((x) => x.id!);
    expect(seen.some((m) => m.data.includes("bravo done"))).toBe(true);
    expect(seen.map((m) => m.data).join("\n")).not.toMatch(/alpha|ENG-2/);
    expect(ids(seen).every((id) => id.includes(incB.id))).toBe(true);
    // A resume from before team A's writes replays team B's events only.
    const resumed = await (await open("bravo-commander", cursor)).msgs;
    expect(resumed.map((m) => m.data).join("\n")).not.toContain("alpha");
    expect(ids(resumed).some((id) => id.includes(incA.id) || id.includes(privA.id))).toBe(false);
    expect(resumed.some((m) => m.data.includes("bravo done"))).toBe(true);
    // A resume cursor naming team A's incident reveals nothing of it either.
    const aCursor = [first.recordedAt, incA.id, 0].join("~");
    const probing = await (await open("bravo-admin", aCursor)).msgs;
    expect(probing.some((m) => m.data.includes("bravo done"))).toBe(true);
    expect(probing.map((m) => m.data).join("\n")).not.toContain("alpha");
  });

  it("shows team B's dashboard, CSV and incident log without team A", async () => {
    const signIn = await fetch(`${server.url}/ui/signin`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, "sec-fetch-site": "same-origin" },
      body: new URLSearchParams({ token: tok["bravo-commander"]! }),
    });
    expect(signIn.status, await signIn.clone().text()).toBe(303);
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    const page = async (path: string) => {
      const r = await fetch(`${server.url}${path}`, { headers: { cookie } });
      return { status: r.status, text: await r.text() };
    };
    const home = await page("/ui?state=all");
    expect(home.status).toBe(200);
    expect(home.text).toContain(incB.id);
    for (const p of ["/ui", "/ui?state=all", "/ui/log", "/ui/log.csv", "/ui/fragments/incidents"]) {
      const r = await page(p);
      expect(r.status, p).toBe(200);
      expect(r.text, p).not.toContain(incA.id);
      expect(r.text, p).not.toContain(privA.id);
      expect(r.text, p).not.toContain("alpha");
    }
    expect((await page("/ui/log.csv")).text).toContain("ENG-1");
    expect((await page(`/ui/incidents/${incA.id}`)).status).toBe(404);
    expect((await page(`/ui/incidents/${incA.id}/fragment`)).status).toBe(404);
  });

  it("gives MCP over HTTP team B's incidents only", async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${tok["bravo-commander"]}` } },
    });
    const client = new Client({ name: "firebreak-test", version: "1.0.0" });
    clients.add(client);
    await client.connect(transport);
    const status = (await client.callTool({ name: "incident_status", arguments: { ticket: "ENG-1" } })) as CallToolResult;
    expect((status.structuredContent as any).ticket).toBe("ENG-1");
    expect(JSON.stringify(status)).toContain("bravo checkout down");
    expect(JSON.stringify(status)).not.toContain("alpha");
    const hidden = (await client.callTool({ name: "incident_status", arguments: { ticket: "ENG-2" } })) as CallToolResult;
    expect(hidden.isError).toBe(true);
    expect(JSON.stringify(hidden)).not.toContain("checkout down");
    const { resources } = await client.listResources();
    expect(JSON.stringify(resources)).not.toContain(incA.id);
    expect(JSON.stringify(resources)).not.toContain(privA.id);
  });
});
