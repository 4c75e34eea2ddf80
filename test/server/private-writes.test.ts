// Every write the team server's API offers, aimed at a private incident by a non-member, answers
// exactly as the same write aimed at an incident that does not exist: the same status, error code
// and body but for the id or ticket named. The routes come from the server's own /openapi.json
// (every store operation of POST /store/{method} too), and a route this table does not know fails
// the test, so a new write cannot be added without saying how it is aimed at an incident.

import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event } from "../../src/domain/events/index.js";
import type { Incident } from "../../src/domain/types.js";
import { createServerApp } from "../../src/server/app.js";
import { openStorage, seedIncident, token, type Storage } from "./fixture.js";

type Req = { path: string; body: unknown };
/** How a route is aimed at an incident named `ref` (its id or ticket), or why it names none. */
type Aim = ((ref: string) => Req) | { namesNoIncident: string };

const at = () => new Date().toISOString();
const note = () => ({ at: at(), actor: "claimed", ...event("note", { text: "peek", summary: "note" }) });
const leaseId = `lk_${randomBytes(4).toString("hex")}`;
const incidentPath = (route: string, body: unknown) => (ref: string) => ({ path: route.replace("{id}", encodeURIComponent(ref)), body });
const store = (args: (ref: string) => unknown[]) => (ref: string) => ({ path: "", body: { args: args(ref) } });

const ROUTES: Record<string, Aim> = {
  "POST /incidents/{id}/notes": incidentPath("/incidents/{id}/notes", { text: "peek" }),
  "POST /incidents/{id}/confirm": incidentPath("/incidents/{id}/confirm", { item: "reproduced" }),
  "POST /incidents/{id}/approve": incidentPath("/incidents/{id}/approve", { note: "looks fine" }),
  "POST /incidents/{id}/waive": incidentPath("/incidents/{id}/waive", { item: "review", reason: "no time" }),
  "POST /incidents/{id}/members": incidentPath("/incidents/{id}/members", { member: "mallory" }),
  "POST /access-requests": (ref) => ({ path: "/access-requests", body: { incident: ref, reason: "curious" } }),
  "POST /tokens": { namesNoIncident: "makes a token (admins only; an incident scope is checked like any id)" },
  "DELETE /tokens/{id}": { namesNoIncident: "revokes a token by its id" },
};

/** Every store operation, aimed at the incident (reads too: they are what a write path reads first). */
const STORE: Record<string, Aim> = {
  getIncident: store((ref) => [ref]),
  findActiveByTicket: store((ref) => [ref]),
  findByTicket: store((ref) => [ref]),
  findByBranch: store((ref) => [`hotfix/${ref}`]),
  listIncidents: { namesNoIncident: "lists what the caller may see (api.test.ts)" },
  timeline: store((ref) => [ref]),
  verifyTimeline: store((ref) => [ref]),
  getEffect: store((ref) => [ref, "git.push:x"]),
  listEffects: store((ref) => [ref]),
  listLeases: { namesNoIncident: "lists the locks the caller may see" },
  createIncident: {
    namesNoIncident:
      "a start names a ticket: one a private incident holds is refused like any ticket in progress, naming nothing of it (private-start.test.ts)",
  },
  updateIncident: store((ref) => [ref, { data: { peek: true } }]),
  appendEvent: store((ref) => [ref, note()]),
  recordIntent: store((ref) => [ref, "git.push:x", { branch: "x" }, note()]),
  annotateIntent: store((ref) => [ref, "git.push:x", { pr: 1 }]),
  recordOutcome: store((ref) => [ref, "git.push:x", { state: "done", result: {} }, note()]),
  clearIntent: store((ref) => [ref, "git.push:x", note()]),
  acquireLeases: store((ref) => [
    {
      id: leaseId,
      names: [`incident-${ref}`],
      holder: { actor: "claimed", command: "ship --to production", ticket: ref, host: "h", pid: 1 },
      now: at(),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      takeOver: [],
    },
  ]),
  renewLeases: { namesNoIncident: "names a lock by its holder's id" },
  markLeaseDeploy: { namesNoIncident: "names a lock by its holder's id" },
  releaseLeases: { namesNoIncident: "names a lock by its holder's id" },
};

describe.each(["sqlite", "postgres"] as const)("a non-member's write on a private incident, on %s", (kind) => {
  let s: Storage;
  let app: ReturnType<typeof createServerApp>["app"];
  let doc: any;
  let secret: Incident;
  const callers: Record<string, string> = {};

  beforeAll(async () => {
    s = await openStorage(kind);
    app = createServerApp({ store: s.storage.store, records: s.storage.records, clock: { now: () => new Date() }, rateLimit: 100_000 }).app;
    doc = await (await app.request("/openapi.json")).json();
    secret = await seedIncident(s.storage, { criteria: ["auth-bypass"], pr: true });
    const other = await seedIncident(s.storage);
    callers.viewer = await token(s.storage, "vic", "viewer");
    callers.responder = await token(s.storage, "rob", "responder");
    callers.approver = await token(s.storage, "amy", "approver");
    callers.agent = await token(s.storage, "bot", "approver", { kind: "agent" });
    callers.scoped = await token(s.storage, "sco", "responder", { incidentScope: other.id });
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  const send = async (method: string, req: Req, secretToken: string) => {
    const res = await app.request(req.path, {
      method,
      headers: { authorization: `Bearer ${secretToken}`, "content-type": "application/json" },
      body: JSON.stringify(req.body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** The answer with the ref it named made neutral, and the request id (new each time) left out. */
  const shape = (answer: { status: number; body: any }, ref: string) => {
    const { requestId: _r, ...rest } = answer.body;
    // A lock's fencing token is the team's count of lock takings so far, whatever the incident.
    if (typeof rest.result?.token === "number") rest.result = { ...rest.result, token: "<n>" };
    return { status: answer.status, body: JSON.parse(JSON.stringify(rest).replaceAll(ref, "<ref>")) };
  };

  /** Every write route in /openapi.json, each store operation as a route of its own. */
  function writeRoutes(): { name: string; method: string; aim: Aim }[] {
    const routes: { name: string; method: string; aim: Aim }[] = [];
    for (const [path, ops] of Object.entries<any>(doc.paths))
      for (const method of Object.keys(ops).filter((m) => ["post", "put", "patch", "delete"].includes(m))) {
        const name = `${method.toUpperCase()} ${path}`;
        if (path !== "/store/{method}") {
          routes.push({ name, method, aim: ROUTES[name] ?? { namesNoIncident: "" } });
          expect(ROUTES[name], `${name} is not in this test's table: say how it is aimed at an incident`).toBeDefined();
          continue;
        }
        const methods: string[] = ops[method].parameters.find((p: any) => p.name === "method").schema.enum;
        expect(methods.length).toBeGreaterThan(10);
        for (const m of methods) {
          expect(STORE[m], `store operation ${m} is not in this test's table`).toBeDefined();
          const aim = STORE[m]!;
          routes.push({
            name: `POST /store/${m}`,
            method,
            aim: typeof aim === "function" ? (ref) => ({ ...aim(ref), path: `/store/${m}` }) : aim,
          });
        }
      }
    return routes;
  }

  it("answers every write aimed at a private incident exactly as one aimed at no incident, for every role below commander", async () => {
    const routes = writeRoutes();
    expect(routes.map((r) => r.name)).toEqual(expect.arrayContaining(["POST /incidents/{id}/notes", "POST /store/appendEvent"]));
    let compared = 0;
    for (const route of routes) {
      if (typeof route.aim !== "function") continue;
      for (const [who, secretToken] of Object.entries(callers))
        for (const [hidden, missing] of [
          [secret.id, `inc_${randomBytes(16).toString("hex")}`],
          [secret.ticket, `ENG-${900_000 + compared}`],
        ] as const) {
          const onHidden = await send(route.method, route.aim(hidden), secretToken);
          if (route.name === "POST /store/acquireLeases" && onHidden.body.result?.ok)
            await send("post", { path: "/store/releaseLeases", body: { args: [leaseId] } }, secretToken);
          const onMissing = await send(route.method, route.aim(missing), secretToken);
          if (route.name === "POST /store/acquireLeases" && onMissing.body.result?.ok)
            await send("post", { path: "/store/releaseLeases", body: { args: [leaseId] } }, secretToken);
          expect(shape(onHidden, hidden), `${route.name} by ${who} on ${hidden === secret.id ? "an id" : "a ticket"}`).toEqual(
            shape(onMissing, missing),
          );
          compared++;
        }
    }
    expect(compared).toBeGreaterThan(100);
    // Nothing reached the private incident.
    expect((await s.storage.store.timeline(secret.id)).map((e) => e.kind)).toEqual(["incident.started"]);
    expect(await s.storage.records.membersOf(secret.id)).toEqual([]);
  });

  it("tells a non-member that a lock is held for an incident they may not see, not whose run it is or its id", async () => {
    const cmdr = await token(s.storage, "cora", "commander");
    const lease = (id: string, ticket: string) => ({
      path: "/store/acquireLeases",
      body: {
        args: [
          {
            id,
            names: ["env-production"],
            holder: { actor: "x", command: "ship --to production", ticket, host: "cmdr-host", pid: 4242 },
            now: at(),
            expiresAt: new Date(Date.now() + 60_000).toISOString(),
            takeOver: [],
          },
        ],
      },
    });
    const held = await send("post", lease("lk_0000c0de", secret.ticket), cmdr);
    expect(held.body.result.ok).toBe(true);
    const refused = await send("post", lease("lk_0000b0b0", "ENG-424242"), callers.responder!);
    expect(refused.body.result).toMatchObject({ ok: false, held: { name: "env-production", id: "", actor: "", ticket: "" } });
    expect(JSON.stringify(refused.body)).not.toMatch(/cora|cmdr-host|4242|lk_0000c0de/);
    expect(JSON.stringify(refused.body)).not.toContain(secret.ticket);
    await send("post", { path: "/store/releaseLeases", body: { args: ["lk_0000c0de"] } }, cmdr);
  });
});
