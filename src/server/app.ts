// The team server's HTTP API (Hono + zod-openapi): reads of the record filtered by who may see
// what, and writes through the same operations as the CLI (note, confirm, approve, waive) with
// the authenticated token as the actor and its kind passed to the core. Every error is the
// catalogue's code, message, why and next; no stack reaches a client.

import { randomUUID } from "node:crypto";
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { streamSSE } from "hono/streaming";
import { evaluateChecklist } from "../domain/checklist.js";
import { event as eventBody } from "../domain/events/index.js";
import { incidentState } from "../domain/state/state.js";
import type { Incident as IncidentRecord, TimelineEvent as TimelineRecord } from "../domain/types.js";
import { FirebreakError, isFirebreakError, type ErrorCode } from "../errors.js";
import type { Clock, Store } from "../ports.js";
import { tokenHash, type AuditEntry, type ServerRecords } from "../store/server-records.js";
import { widerThanMaker } from "../domain/access.js";
import { issueToken, revokeToken } from "./tokens.js";
import { confirm } from "../workflow/confirm.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { canSee, isPrivate, type Caller } from "./access.js";
import { approveAs, waiveAs } from "./decisions.js";
import type { Role } from "../domain/access.js";
import { silentLogger, type Logger } from "./log.js";
import { Metrics } from "./metrics.js";
import { EventsHub, cursorOf, parseCursor } from "./events-hub.js";
import { RateLimiter } from "./rate-limit.js";
import { mcpRoute } from "./mcp-route.js";
import { runStoreCall } from "./store-route.js";
import { accessRequestsThrottled, allowRole, visibleIncident as findVisibleIncident } from "./caller-checks.js";
import { dashboardApp } from "./dashboard/app.js";
import * as S from "./schemas.js";
import { slackApp } from "./slack/app.js";
import { slackSettingsFromEnv, type SlackSettings } from "./slack/settings.js";

/** The record of every team on the server; a request only ever uses its caller's team's view. */
export type TeamStores = Store & { forTeam(team: string): Store };

export interface ServerDeps {
  store: TeamStores;
  /** The server's records; each request uses forTeam(its caller's team). */
  records: ServerRecords;
  clock: Clock;
  log?: Logger;
  metrics?: Metrics;
  /** Requests per token per minute (default 1,200). */
  rateLimit?: number;
  /** Largest request body in bytes (default 64 KiB). */
  maxBody?: number;
  /** Whether the server is draining (SIGTERM): readiness fails so a balancer stops sending. */
  draining?: () => boolean;
  /** How often the live feed polls the database when nothing wakes it (default 1 s). */
  pollMs?: number;
  /** The Slack app's settings (default: from FIREBREAK_SLACK_* in the environment; absent: not mounted). */
  slack?: SlackSettings;
}

/** Per request: the caller, and the record and server records of the caller's team only. */
type Env = { Variables: { caller: Caller; requestId: string; store: Store; records: ServerRecords } };

const STATUS: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  MISSING_INPUT: 400,
  SERVER_BODY_TOO_LARGE: 413,
  SERVER_UNAUTHENTICATED: 401,
  SERVER_FORBIDDEN: 403,
  PERSON_REQUIRED: 403,
  SERVER_NOT_FOUND: 404,
  NO_INCIDENT: 404,
  SERVER_RATE_LIMITED: 429,
  STORE_UNAVAILABLE: 503,
  UNEXPECTED: 500,
};

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const errorResponses = Object.fromEntries(
  [400, 401, 403, 404, 409, 413, 429, 500, 503].map((s) => [
    s,
    { description: "refused", content: { "application/json": { schema: S.ErrorBody } } },
  ]),
);

function toApiIncident(i: IncidentRecord): z.infer<typeof S.Incident> {
  return {
    id: i.id,
    ticket: i.ticket,
    title: i.title,
    priority: i.priority,
    criteria: i.criteria,
    status: i.status,
    discoveredAt: i.discoveredAt,
    deadlineAt: i.deadlineAt,
    branch: i.branch,
    base: i.base,
    remote: i.remote,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    private: isPrivate(i),
  };
}

export function createServerApp(deps: ServerDeps) {
  const log = deps.log ?? silentLogger;
  const metrics = deps.metrics ?? new Metrics();
  const limiter = new RateLimiter(deps.rateLimit ?? 1200);
  // Every team's record and server records: only server-wide steps (authentication, readiness, the
  // live feed's poller) use these; every route takes its caller's team's (c.get("store"), c.get("records")).
  const { store: teams, records: server, clock } = deps;
  const hub = new EventsHub(server, {
    pollMs: deps.pollMs ?? 1000,
    now: () => clock.now(),
    onError: (e) => log.error("live feed read failed", { error: (e as Error).message }),
  });
  hub.start();
  /** Ends every open SSE stream (graceful shutdown drains them before the listener closes). */
  const streams = new Set<() => void>();
  /** Incident criteria by id, for the feed's visibility check (criteria are set when an incident starts). */
  const criteriaOf = new Map<string, string[]>();

  const app = new OpenAPIHono<Env>({
    // Input that fails its schema is a usage error in the catalogue's shape, not zod's raw output.
    defaultHook: (result, c) => {
      if (!result.success) {
        const details = result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
        return fail(
          c as Context<Env>,
          new FirebreakError({
            code: "USAGE",
            message: "The request does not match the API's schema.",
            details,
            next: "GET /openapi.json describes every route's input",
          }),
        );
      }
      return undefined;
    },
  });

  function fail(c: Context<Env>, e: FirebreakError, headers: Record<string, string> = {}) {
    const status = STATUS[e.code] ?? 409;
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    return c.json(
      {
        error: { code: e.code, message: e.message, why: e.why ?? null, next: e.next ?? null, details: e.details },
        requestId: c.get("requestId") ?? "",
      },
      status as 400,
    );
  }

  app.onError((err, c) => {
    if (isFirebreakError(err)) return fail(c, err);
    // Hono's own refusals (a body that is not JSON): the client's mistake, said as a usage error.
    if (err instanceof HTTPException && err.status < 500)
      return fail(
        c,
        new FirebreakError({
          code: "USAGE",
          message: `The request was refused: ${err.message}`,
          next: "GET /openapi.json describes every route's input",
        }),
      );
    log.error("unexpected error", { requestId: c.get("requestId"), error: err instanceof Error ? err.message : String(err) });
    return fail(
      c,
      new FirebreakError({
        code: "UNEXPECTED",
        message: "The server failed to answer this request.",
        next: `report it with the request id ${c.get("requestId")}`,
      }),
      {},
    );
  });
  app.notFound((c) => fail(c, new FirebreakError({ code: "SERVER_NOT_FOUND", message: `No route ${c.req.method} ${c.req.path}.` })));

  // Request id, access log and metrics around everything.
  app.use("*", async (c, next) => {
    const given = c.req.header("x-request-id");
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    c.set("requestId", requestId);
    c.header("x-request-id", requestId);
    const t0 = performance.now();
    await next();
    const seconds = (performance.now() - t0) / 1000;
    const route = c.req.routePath || c.req.path;
    metrics.request(c.req.method, route, c.res.status, seconds);
    const caller = c.get("caller");
    log.info("request", {
      requestId,
      method: c.req.method,
      route,
      status: c.res.status,
      ms: Math.round(seconds * 1000),
      actor: caller?.token.name,
    });
  });

  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/readyz", async (c) => {
    if (deps.draining?.()) return c.json({ ready: false, reason: "draining" }, 503);
    const ok = await server.ready().catch(() => false);
    return ok ? c.json({ ready: true }) : c.json({ ready: false, reason: "database unreachable or migrations not applied" }, 503);
  });
  app.get("/metrics", (c) => c.text(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }));
  app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: "Firebreak team server", version: "1" } });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });

  // Everything else needs a token: hashed, looked up, refused when expired or revoked.
  const authenticated = async (c: Context<Env>, next: () => Promise<void>) => {
    const header = c.req.header("authorization") ?? "";
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const token = m ? await server.tokenByHash(tokenHash(m[1]!)) : undefined;
    const now = clock.now().toISOString();
    if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= now)) {
      const why = !m ? "no token" : !token ? "unknown token" : token.revokedAt ? "revoked token" : "expired token";
      if (token) await server.forTeam(token.team).audit(token.name, "refused", `${c.req.method} ${c.req.path}`, { reason: why });
      throw new FirebreakError({ code: "SERVER_UNAUTHENTICATED", message: `The request was refused: ${why}.` });
    }
    const wait = limiter.take(token.id);
    if (wait > 0)
      return fail(
        c,
        new FirebreakError({
          code: "SERVER_RATE_LIMITED",
          message: `${token.name} sent more than ${limiter.perMinute} requests in a minute.`,
        }),
        {
          "retry-after": String(wait),
        },
      );
    // last-used is kept to the minute: a write on every read would queue reads behind the write lock.
    // From here on, everything this request reads and writes is the token's team's.
    const records = server.forTeam(token.team);
    if (token.lastUsedAt === null || Date.parse(now) - Date.parse(token.lastUsedAt) > 60_000) await records.touchToken(token.id);
    c.set("records", records);
    c.set("store", teams.forTeam(token.team));
    c.set("caller", { token, memberships: await records.membershipsOf(token.name) });
    await next();
  };
  // Once per request (a pattern list would run it twice where "/x" and "/x/*" both match).
  const PUBLIC = new Set(["/", "/healthz", "/readyz", "/metrics", "/openapi.json"]);
  // Faces that prove who is calling in their own way (the dashboard's session cookie, Slack's
  // request signature) are mounted under these prefixes; they apply the same roles and rules.
  const SELF_AUTHENTICATED = ["/ui", "/slack"];
  const selfAuthenticated = (path: string) => SELF_AUTHENTICATED.some((p) => path === p || path.startsWith(`${p}/`));
  app.use("*", (c, next) => (PUBLIC.has(c.req.path) || selfAuthenticated(c.req.path) ? next() : authenticated(c, next)));
  app.use(
    "*",
    bodyLimit({
      maxSize: deps.maxBody ?? 64 * 1024,
      onError: (c) =>
        fail(
          c as Context<Env>,
          new FirebreakError({ code: "SERVER_BODY_TOO_LARGE", message: `The body is over ${deps.maxBody ?? 64 * 1024} bytes.` }),
        ),
    }),
  );

  const visibleIncident = (c: Context<Env>, id: string) => findVisibleIncident(c.get("store"), c.get("caller"), id);
  const allow = (c: Context<Env>, role: Role, what: string, target: string) =>
    allowRole(c.get("records"), c.get("caller"), role, what, target);

  const security = [{ bearer: [] }];
  const json = <T extends z.ZodType>(schema: T, description: string) => ({
    200: { description, content: { "application/json": { schema } } },
    ...errorResponses,
  });
  const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { "application/json": { schema } }, required: true } });

  app.openapi(
    createRoute({
      method: "get",
      path: "/incidents",
      security,
      request: { query: z.object({ all: z.enum(["true", "false"]).optional() }) },
      responses: json(z.object({ incidents: z.array(S.Incident) }), "incidents this token may see"),
    }),
    async (c) => {
      const all = c.req.valid("query").all === "true";
      const list = (await c.get("store").listIncidents({ all })).filter((i) => canSee(c.get("caller"), i));
      return c.json({ incidents: list.map(toApiIncident) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/counts",
      security,
      responses: json(
        z.object({ total: z.number().int(), byStatus: z.record(z.string(), z.number().int()) }),
        "counts of the incidents this token may see",
      ),
    }),
    async (c) => {
      const list = (await c.get("store").listIncidents({ all: true })).filter((i) => canSee(c.get("caller"), i));
      const byStatus: Record<string, number> = {};
      for (const i of list) byStatus[i.status] = (byStatus[i.status] ?? 0) + 1;
      return c.json({ total: list.length, byStatus }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/incidents/{id}",
      security,
      request: { params: S.IncidentParam },
      responses: json(S.Incident, "one incident"),
    }),
    async (c) => c.json(toApiIncident(await visibleIncident(c, c.req.valid("param").id)), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/incidents/{id}/timeline",
      security,
      request: { params: S.IncidentParam },
      responses: json(z.object({ events: z.array(S.TimelineEvent) }), "the timeline"),
    }),
    async (c) => {
      const incident = await visibleIncident(c, c.req.valid("param").id);
      return c.json({ events: await c.get("store").timeline(incident.id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/incidents/{id}/checklist",
      security,
      request: { params: S.IncidentParam },
      responses: json(z.object({ items: z.array(S.ChecklistItem) }), "the checklist"),
    }),
    async (c) => {
      const incident = await visibleIncident(c, c.req.valid("param").id);
      const state = incidentState(await c.get("store").timeline(incident.id));
      const items = evaluateChecklist(incident.priority, state).map(({ item, state: st }) => ({
        id: item.id,
        phase: item.phase,
        label: item.label,
        state: st,
      }));
      return c.json({ items }, 200);
    },
  );

  /** After a write: count it, wake this replica's feed and tell the others (ids only). */
  const written = (incidentId?: string, seq?: number) => {
    metrics.eventsWritten += 1;
    hub.wake();
    if (incidentId !== undefined && seq !== undefined)
      server.notifyEvent(incidentId, seq).catch((e: unknown) => log.error("notify failed", { error: (e as Error).message }));
  };
  const writtenLatest = async (incidentId: string) => {
    written(incidentId, await server.latestSeq(incidentId));
  };
  // The Slack app verifies Slack's signature itself (SELF_AUTHENTICATED); docs/slack.md.
  const slack = deps.slack ?? slackSettingsFromEnv(process.env);
  if (slack) app.route("/slack", slackApp({ store: teams, records: server, clock, hub, log, settings: slack, written: writtenLatest }));

  app.openapi(
    createRoute({
      method: "post",
      path: "/incidents/{id}/notes",
      security,
      request: { params: S.IncidentParam, ...body(S.NoteInput) },
      responses: json(z.object({ event: S.TimelineEvent }), "the note as recorded"),
    }),
    async (c) => {
      const incident = await visibleIncident(c, c.req.valid("param").id);
      const caller = await allow(c, "responder", "writing a note", incident.id);
      const { text } = c.req.valid("json");
      const ev = await c.get("store").appendEvent(incident.id, {
        at: clock.now().toISOString(),
        actor: caller.token.name,
        ...eventBody("note", { text, summary: text }),
      });
      written(ev.incidentId, ev.seq);
      return c.json({ event: ev }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/incidents/{id}/confirm",
      security,
      request: { params: S.IncidentParam, ...body(S.ConfirmInput) },
      responses: json(z.object({ event: S.TimelineEvent }), "the confirmation as recorded"),
    }),
    async (c) => {
      const incident = await visibleIncident(c, c.req.valid("param").id);
      const caller = await allow(c, "responder", "confirming a checklist item", incident.id);
      const { item, note } = c.req.valid("json");
      // A staging check vouches for the hotfix head, which only a checkout can read: it stays a CLI step.
      if (item === "staging-verified")
        throw new FirebreakError({
          code: "USAGE",
          message: "staging-verified names the pushed commit, which the server cannot read.",
          next: "firebreak confirm staging-verified   # from a clone",
        });
      const store = c.get("store");
      const opDeps = {
        clock,
        store: async () => store,
        actor: async () => caller.token.name,
      } as unknown as WorkflowDeps;
      const { event } = await confirm(opDeps, { incident, item, ...(note ? { note } : {}) });
      written(event.incidentId, event.seq);
      return c.json({ event }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/incidents/{id}/approve",
      security,
      request: { params: S.IncidentParam, ...body(S.ApproveInput) },
      responses: json(
        z.object({ by: z.string(), note: z.string().nullable(), number: z.number().int(), sha: z.string().nullable() }),
        "the approval as recorded",
      ),
    }),
    async (c) => {
      const incident = await visibleIncident(c, c.req.valid("param").id);
      const caller = await allow(c, "approver", "approving a fix", incident.id);
      const done = await approveAs({ store: c.get("store"), records: c.get("records"), clock }, caller, incident, c.req.valid("json"));
      await writtenLatest(incident.id);
      return c.json(done, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/incidents/{id}/waive",
      security,
      request: { params: S.IncidentParam, ...body(S.WaiveInput) },
      responses: json(z.object({ item: z.string(), by: z.string(), reason: z.string(), at: z.string() }), "the waiver as recorded"),
    }),
    async (c) => {
      const incident = await visibleIncident(c, c.req.valid("param").id);
      const caller = await allow(c, "commander", "waiving a gate item", incident.id);
      const w = await waiveAs({ store: c.get("store"), records: c.get("records"), clock }, caller, incident, c.req.valid("json"));
      await writtenLatest(incident.id);
      return c.json(w, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/incidents/{id}/members",
      security,
      request: { params: S.IncidentParam, ...body(S.MemberInput) },
      responses: json(z.object({ members: z.array(z.string()), added: z.boolean() }), "the incident's members"),
    }),
    async (c) => {
      const incident = await visibleIncident(c, c.req.valid("param").id);
      const caller = await allow(c, "commander", "adding a member to an incident", incident.id);
      const { member } = c.req.valid("json");
      const records = c.get("records");
      const added = await records.addMember(incident.id, member, caller.token.name);
      if (added) await records.audit(caller.token.name, "member.added", incident.id, { member, ticket: incident.ticket });
      return c.json({ members: await records.membersOf(incident.id), added }, 200);
    },
  );

  // Anyone may ask to join a private incident. The answer is the same whether the incident exists,
  // is private or is already visible, so asking reveals nothing; the request goes on the audit log
  // for commanders, and each token may ask a few times an hour.
  const accessLimiter = new RateLimiter(5, Date.now, 3_600_000);
  app.openapi(
    createRoute({
      method: "post",
      path: "/access-requests",
      security,
      request: body(S.AccessRequestInput),
      responses: {
        202: {
          description: "the request is recorded",
          content: { "application/json": { schema: z.object({ recorded: z.literal(true), next: z.string() }) } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const caller = c.get("caller");
      const { incident: ref, reason } = c.req.valid("json");
      const wait = accessLimiter.take(caller.token.id);
      if (wait > 0) {
        c.header("retry-after", String(wait)); // kept on the error response, which onError builds on this context
        throw accessRequestsThrottled(caller.token.name);
      }
      const store = c.get("store");
      const found = (await store.getIncident(ref)) ?? (await store.findByTicket(ref));
      await c.get("records").audit(caller.token.name, "access.requested", found?.id ?? ref, { reason });
      return c.json(
        {
          recorded: true as const,
          next: "a commander reads pending requests with GET /access-requests and adds members with POST /incidents/{id}/members",
        },
        202,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/tokens",
      security,
      responses: json(z.object({ tokens: z.array(S.Token) }), "every token (never a secret or a hash)"),
    }),
    async (c) => {
      await allow(c, "admin", "listing tokens", "tokens");
      return c.json({ tokens: await c.get("records").listTokens() }, 200);
    },
  );

  // Token management for admins. A new token never exceeds its maker: no higher role, no person
  // token from an agent or service token (it could approve), no wider incident scope, no later
  // expiry. The secret is in this response only; the database keeps its sha256.
  app.openapi(
    createRoute({
      method: "post",
      path: "/tokens",
      security,
      request: body(S.TokenInput),
      responses: {
        201: { description: "the token, and its secret shown once", content: { "application/json": { schema: S.TokenCreated } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const caller = await allow(c, "admin", "creating a token", "tokens");
      const req = c.req.valid("json");
      const me = caller.token;
      const records = c.get("records");
      const kind = req.kind ?? me.kind;
      const wider = widerThanMaker(me, { ...req, kind });
      if (wider.length > 0) {
        await records.audit(me.name, "refused", "tokens", { what: "create token", name: req.name, role: req.role, kind, reasons: wider });
        throw new FirebreakError({
          code: "SERVER_FORBIDDEN",
          message: `${me.name} may not make this token: ${wider.join("; ")}.`,
          details: wider,
        });
      }
      const { secret, token } = await issueToken(records, { ...req, kind }, me.name, clock.now());
      return c.json(
        { token, secret, next: `give the secret to ${token.name} once (it cannot be shown again); DELETE /tokens/${token.id} revokes it` },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/tokens/{id}",
      security,
      request: { params: S.TokenParam },
      responses: json(z.object({ token: S.Token, revoked: z.boolean() }), "the token, revoked (revoked: false when it already was)"),
    }),
    async (c) => {
      const caller = await allow(c, "admin", "revoking a token", "tokens");
      const { id } = c.req.valid("param");
      const records = c.get("records");
      // Another team's token answers exactly like a missing one.
      const found = await records.tokenById(id);
      if (!found || (caller.token.incidentScope !== null && found.incidentScope !== caller.token.incidentScope))
        throw new FirebreakError({
          code: "SERVER_NOT_FOUND",
          message: `No token ${id} that this token may manage.`,
          next: "GET /tokens lists them",
        });
      const revoked = found.revokedAt === null;
      if (revoked) await revokeToken(records, id, caller.token.name);
      return c.json({ token: (await records.tokenById(id))!, revoked }, 200);
    },
  );

  // Pending access requests (on the audit log since POST /access-requests) for commanders: the
  // latest request of each requester for each incident the caller may see, while the requester is
  // not a member yet. A request naming no incident, or one the caller may not see, is left out.
  app.openapi(
    createRoute({
      method: "get",
      path: "/access-requests",
      security,
      responses: json(z.object({ requests: z.array(S.AccessRequest) }), "pending access requests, newest first"),
    }),
    async (c) => {
      const caller = await allow(c, "commander", "reading access requests", "access-requests");
      const store = c.get("store");
      const records = c.get("records");
      const latest = new Map<string, { entry: AuditEntry; count: number }>();
      for (const entry of await records.auditEntriesOf("access.requested")) {
        const key = JSON.stringify([entry.target, entry.actor]);
        latest.set(key, { entry, count: (latest.get(key)?.count ?? 0) + 1 });
      }
      const requests: z.infer<typeof S.AccessRequest>[] = [];
      const incidents = new Map<string, IncidentRecord | undefined>();
      for (const { entry, count } of latest.values()) {
        if (!incidents.has(entry.target))
          incidents.set(entry.target, (await store.getIncident(entry.target)) ?? (await store.findByTicket(entry.target)));
        const incident = incidents.get(entry.target);
        if (!incident || !canSee(caller, incident)) continue;
        if ((await records.membersOf(incident.id)).includes(entry.actor)) continue;
        requests.push({
          seq: entry.seq,
          at: entry.at,
          requester: entry.actor,
          reason: String(entry.data.reason ?? ""),
          incident: { id: incident.id, ticket: incident.ticket, title: incident.title, private: isPrivate(incident) },
          requests: count,
        });
      }
      return c.json({ requests: requests.sort((a, b) => b.seq - a.seq) }, 200);
    },
  );

  // GET /events: Server-Sent Events of the timeline events this caller may see, live, resumable.
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/events",
    security,
    description: "Timeline events this token may see, as Server-Sent Events (id: the resume cursor; send it back as Last-Event-ID).",
    responses: { 200: { description: "an event stream", content: { "text/event-stream": { schema: z.string() } } }, ...errorResponses },
  });
  app.get("/events", async (c) => {
    const caller = c.get("caller");
    const store = c.get("store");
    const records = c.get("records");
    const team = caller.token.team;
    const resume = parseCursor(c.req.header("last-event-id"));
    let memberships = caller.memberships;
    let membershipsAt = clock.now().getTime();
    // Only the caller's team's events reach here (the subscription drops the others, and a resume
    // reads the team's own), so the incident is looked up in the team's record.
    const visible = async (e: TimelineRecord): Promise<boolean> => {
      let criteria = criteriaOf.get(e.incidentId);
      if (!criteria) {
        // Not in the caller's team's record: nothing goes out (not treated as private, which a
        // commander would see), and nothing is remembered.
        const found = await store.getIncident(e.incidentId);
        if (!found) return false;
        criteria = found.criteria;
        criteriaOf.set(e.incidentId, criteria);
      }
      // A member added while the stream is open starts seeing the incident within a few seconds.
      // So does a token revoked or expired while its stream is open: the stream ends.
      if (clock.now().getTime() - membershipsAt > 2000) {
        const fresh = await hub.access(caller.token.id, caller.token.name, team); // batched with every other stream's
        memberships = fresh.memberships;
        membershipsAt = clock.now().getTime();
        const now = fresh.token;
        if (!now || now.revokedAt !== null || (now.expiresAt !== null && Date.parse(now.expiresAt) <= clock.now().getTime())) {
          endStream?.();
          return false;
        }
      }
      return canSee({ token: caller.token, memberships }, { id: e.incidentId, criteria });
    };
    let endStream: (() => void) | undefined;
    c.header("x-accel-buffering", "no"); // a proxy that buffers responses (nginx) passes each event on at once
    return streamSSE(c, async (stream) => {
      metrics.sseClients++;
      const queue: TimelineRecord[] = [];
      const sent = new Set<string>();
      let wake: (() => void) | undefined;
      let done = false;
      const end = () => {
        done = true;
        wake?.();
      };
      endStream = end;
      streams.add(end);
      stream.onAbort(end);
      const unsubscribe = hub.subscribe((e, eventTeam) => {
        if (eventTeam !== team) return; // another team's event: not even its id goes out
        queue.push(e);
        wake?.();
      });
      // Events the caller may not see are skipped without a word: not even their id goes out.
      // What arrived together goes out in one write (each event's frame is made once, in the hub).
      // Only a resume's ids are remembered, to skip them when the live feed brings them again: the
      // hub itself never hands out an event twice, and remembering every live id cost each stream
      // up to a megabyte.
      const send = async (events: TimelineRecord[], resumed = false) => {
        let out = "";
        for (const e of events) {
          const id = cursorOf(e);
          if (sent.has(id) || done) continue;
          if (resumed) sent.add(id);
          if (sent.size > 10_000) sent.delete(sent.values().next().value as string);
          if (await visible(e)) out += hub.frame(e);
        }
        if (out && !done) await stream.write(out);
      };
      try {
        if (resume) {
          let from = resume;
          for (;;) {
            const batch = await records.eventsAfter(from, 500);
            await send(batch, true);
            if (batch.length < 500 || done) break;
            const last = batch.at(-1)!;
            from = { recordedAt: last.recordedAt, incidentId: last.incidentId, seq: last.seq };
          }
        }
        await stream.write(": ready\n\n");
        while (!done) {
          while (queue.length > 0 && !done) await send(queue.splice(0));
          if (done) break;
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((r) => {
            wake = r;
            timer = setTimeout(r, 15_000);
          });
          clearTimeout(timer);
          wake = undefined;
          if (queue.length === 0 && !done) await stream.write(": keep-alive\n\n");
        }
      } finally {
        unsubscribe();
        streams.delete(end);
        metrics.sseClients--;
      }
    });
  });

  // The CLI on a server: who the token is, and the record's operations (server/store-route.ts).
  app.openapi(
    createRoute({
      method: "get",
      path: "/whoami",
      security,
      responses: json(S.WhoAmI, "the token's name (the actor of its writes), role, kind and team"),
    }),
    (c) => {
      const { token } = c.get("caller");
      return c.json({ name: token.name, role: token.role, kind: token.kind, team: token.team }, 200);
    },
  );
  const storeDeps = { store: teams, records: server, written: writtenLatest };
  app.all("/mcp", mcpRoute({ record: storeDeps, clock, after: () => hub.wake() }));
  app.openapi(
    createRoute({
      method: "post",
      path: "/store/{method}",
      security,
      request: { params: S.StoreMethodParam, ...body(S.StoreCallInput) },
      responses: json(S.StoreCallResult, "the operation's result (null for none)"),
    }),
    async (c) => {
      const { method } = c.req.valid("param");
      const { args } = c.req.valid("json");
      return c.json({ result: await runStoreCall(storeDeps, c.get("caller"), method, args) }, 200);
    },
  );
  app.route("/ui", dashboardApp({ store: teams, records: server, clock, hub, written: writtenLatest, log, metrics, streams }));
  app.get("/", (c) => c.redirect("/ui"));

  return {
    app,
    metrics,
    hub,
    /** Ends the live streams and stops the feed: the first step of a graceful stop. */
    async drain() {
      for (const end of [...streams]) end();
      await hub.close();
    },
  };
}
