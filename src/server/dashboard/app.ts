// The web dashboard served by `firebreak serve` under /ui: server-rendered pages, one small script
// for live updates (an EventSource on /ui/events fed by the server's EventsHub) and one
// stylesheet. It authenticates by its own session cookie (sign-in with a token), checks a CSRF
// token and the Origin header on every POST, and reads and writes through the same calls as the
// JSON API: visibility by canSee, roles by requireRole, then confirm(), recordApproval(), waive(),
// confirmPlan() and the note event, with the session's token as the actor.

import { Hono, type Context } from "hono";
import { compress } from "hono/compress";
import { streamSSE } from "hono/streaming";
import { event as eventBody } from "../../domain/events/index.js";
import { incidentState } from "../../domain/state/state.js";
import type { Incident, TimelineEvent } from "../../domain/types.js";
import { E, FirebreakError, isFirebreakError, type ErrorCode } from "../../errors.js";
import type { Clock, Store } from "../../ports.js";
import { logRow, toCsv } from "../../review/incident-log.js";
import type { ServerRecords } from "../../store/server-records.js";
import { confirm } from "../../workflow/confirm.js";
import type { WorkflowDeps } from "../../workflow/deps.js";
import { evaluateChecklist } from "../../domain/checklist.js";
import { canSee, type Caller } from "../access.js";
import { accessRequestsThrottled, allowRole, visibleIncident } from "../caller-checks.js";
import { approveAs, confirmPlanAs, waiveAs } from "../decisions.js";
import type { EventsHub } from "../events-hub.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { RateLimiter } from "../rate-limit.js";
import { SCRIPT, STYLE } from "./assets.js";
import { csrfRefusal, csrfToken } from "./csrf.js";
import { html, page, type Raw } from "./html.js";
import { stateLabel, TIMELINE_FILTERS, type TimelineFilter } from "./model.js";
import { actions, incidentBody, incidentFragment } from "./pages/incident.js";
import { applyFilter, incidentsBody, incidentsFragment, keepState, logBody, parseFilter, type Row } from "./pages/incidents.js";
import { doneBox, errorBox } from "./pages/parts.js";
import { notVisibleBody, signInBody } from "./pages/signin.js";
import { currentSession, signIn, signOut, type Session } from "./session.js";

export interface DashboardDeps {
  /** Every team's record and the server's records: each session works on its token's team's only. */
  store: Store & { forTeam(team: string): Store };
  records: ServerRecords;
  clock: Clock;
  hub: EventsHub;
  /** After a write: wakes the live feeds (this replica's and, on PostgreSQL, the others'). */
  written: (incidentId: string) => Promise<void>;
  log: Logger;
  metrics?: Metrics;
  /** Ends each open stream on a graceful stop. */
  streams?: Set<() => void>;
}

type Env = { Variables: { caller: Caller; requestId: string; session: Session; store: Store; records: ServerRecords } };

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

const STATUS: Partial<Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 429>> = {
  USAGE: 400,
  MISSING_INPUT: 400,
  SERVER_UNAUTHENTICATED: 401,
  SERVER_FORBIDDEN: 403,
  DASHBOARD_FORM_REFUSED: 403,
  PERSON_REQUIRED: 403,
  NO_INCIDENT: 404,
  SERVER_RATE_LIMITED: 429,
};

const DONE: Record<string, string> = {
  note: "Your note is on the timeline.",
  confirm: "The item is confirmed on the timeline.",
  approve: "Your approval is on the record.",
  waive: "The waiver is on the record, with its reason.",
  plan: "The plan is confirmed: the agent may apply it now.",
  access: "Your request is recorded; a commander reads it with firebreak audit.",
};

const missing = (message: string, next: string) => new FirebreakError({ code: "MISSING_INPUT", message, next });

export function dashboardApp(deps: DashboardDeps) {
  // Server-wide only for signing in and finding a session; everything after uses the session's team's.
  const { store: teams, records: server, clock } = deps;
  const st = (c: Context<Env>) => c.get("store");
  const rc = (c: Context<Env>) => c.get("records");
  const app = new Hono<Env>();
  const accessLimiter = new RateLimiter(5, Date.now, 3_600_000);

  // Pages and assets go out compressed when the browser accepts it (the event stream never is).
  app.use("*", compress());
  app.use("*", async (c, next) => {
    await next();
    c.header("content-security-policy", CSP);
    c.header("x-frame-options", "DENY");
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "same-origin");
    if (!c.res.headers.get("cache-control")) c.header("cache-control", "no-store");
  });

  const send = (c: Context, body: string, status: 200 | 400 | 401 | 403 | 404 | 409 | 429 | 500 = 200) => c.html(body, status);

  app.onError((err, c) => {
    if (isFirebreakError(err)) return send(c, page({ title: "Refused", body: errorBox(err) }), STATUS[err.code] ?? 409);
    deps.log.error("unexpected error", { requestId: c.get("requestId"), error: err instanceof Error ? err.message : String(err) });
    return send(
      c,
      page({
        title: "Error",
        body: html`<h1>Something failed</h1><p>The server failed to answer. Report it with the request id <code>${c.get("requestId") ?? ""}</code>.</p>`,
      }),
      500,
    );
  });

  app.get("/assets/dashboard.js", (c) => {
    c.header("cache-control", "public, max-age=300");
    return c.body(SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8" });
  });
  app.get("/assets/dashboard.css", (c) => {
    c.header("cache-control", "public, max-age=300");
    return c.body(STYLE, 200, { "content-type": "text/css; charset=utf-8" });
  });

  app.get("/signin", (c) => send(c, page({ title: "Sign in", body: signInBody() })));
  app.post("/signin", async (c) => {
    const form = await c.req.parseBody();
    const refused = csrfRefusal(c, form, null);
    if (refused)
      return send(
        c,
        page({ title: "Sign in", body: signInBody(`The sign-in was refused: ${refused}. Reload this page and sign in again.`) }),
        403,
      );
    const r = await signIn(c, server, typeof form.token === "string" ? form.token.trim() : "", clock.now());
    if (!r.ok) return send(c, page({ title: "Sign in", body: signInBody(`The sign-in was refused: ${r.why}.`) }), 401);
    return c.redirect("/ui", 303);
  });

  // Everything below needs a session: pages send the browser to sign in, the rest answer 401.
  app.use("*", async (c, next) => {
    const session = await currentSession(c, server, clock.now());
    if (!session) {
      if (
        c.req.method === "GET" &&
        !c.req.path.startsWith("/ui/events") &&
        !c.req.path.includes("/fragment") &&
        !c.req.path.endsWith(".csv")
      )
        return c.redirect("/ui/signin", 303);
      return send(c, page({ title: "Sign in", body: signInBody("Your session ended: sign in again.") }), 401);
    }
    c.set("session", session);
    c.set("caller", session.caller);
    c.set("store", teams.forTeam(session.caller.token.team));
    c.set("records", server.forTeam(session.caller.token.team));
    if (c.req.method === "POST") {
      const form = await c.req.parseBody();
      const refused = csrfRefusal(c, form, session.id);
      if (refused) {
        await rc(c).audit(session.caller.token.name, "refused", `${c.req.method} ${c.req.path}`, { reason: "csrf" });
        throw new FirebreakError({ code: "DASHBOARD_FORM_REFUSED", message: `The form was refused: ${refused}.` });
      }
    }
    await next();
  });

  const who = (c: Context<Env>) => {
    const s = c.get("session");
    return { name: s.caller.token.name, role: s.caller.token.role, csrf: csrfToken(s.id) };
  };

  app.post("/signout", async (c) => {
    await signOut(c, server);
    return c.redirect("/ui/signin", 303);
  });

  // --- incidents -------------------------------------------------------------------------------

  const visibleList = async (c: Context<Env>): Promise<Incident[]> =>
    (await st(c).listIncidents({ all: true })).filter((i) => canSee(c.get("caller"), i));

  async function rows(c: Context<Env>): Promise<Row[]> {
    const now = clock.now();
    const f = parseFilter(c.req.query());
    const list = applyFilter(await visibleList(c), f, now);
    const leases = await st(c).listLeases();
    const holder = (i: Incident) => leases.find((l) => l.ticket === i.ticket && Date.parse(l.expiresAt) > now.getTime());
    // A closed incident's state needs no timeline: skip the read when the view hides it.
    const wanted = list.filter((i) => f.state || (i.status !== "resolved" && i.status !== "abandoned"));
    const timelines = await rc(c).timelinesOf(wanted.map((i) => i.id));
    const out: Row[] = [];
    for (const i of wanted) {
      const state = incidentState(timelines.get(i.id) ?? []);
      const label = stateLabel(i, state);
      if (!keepState(label, f)) continue;
      const next = evaluateChecklist(i.priority, state).find((x) => x.state === "next");
      out.push({ incident: i, label, holder: holder(i), next: next ? next.item.command : null });
    }
    return out;
  }

  app.get("/", async (c) => {
    const r = await rows(c);
    const f = parseFilter(c.req.query());
    return send(
      c,
      page({
        title: "Incidents",
        who: who(c),
        live: { fragment: "/ui/fragments/incidents" },
        body: incidentsBody(f, incidentsFragment(r, clock.now()), r.length),
      }),
    );
  });
  app.get("/fragments/incidents", async (c) => send(c, incidentsFragment(await rows(c), clock.now()).s));

  async function logRows(c: Context<Env>) {
    const now = clock.now();
    const list = await visibleList(c);
    const timelines = await rc(c).timelinesOf(list.map((i) => i.id));
    return list.map((i) => logRow(i, timelines.get(i.id) ?? [], now));
  }
  app.get("/log", async (c) => send(c, page({ title: "Incident log", who: who(c), body: logBody(await logRows(c)) })));
  app.get("/log.csv", async (c) =>
    c.body(toCsv(await logRows(c)), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="firebreak-incident-log.csv"',
    }),
  );

  // --- one incident ----------------------------------------------------------------------------

  const filterOf = (c: Context<Env>): TimelineFilter => {
    const f = c.req.query("filter") ?? "all";
    return Object.hasOwn(TIMELINE_FILTERS, f) ? (f as TimelineFilter) : "all";
  };

  async function incidentPage(c: Context<Env>, ref: string, notice: Raw | string, status: 200 | 400 | 401 | 403 | 404 | 409 | 429 = 200) {
    let incident: Incident;
    try {
      incident = await visibleIncident(st(c), c.get("caller"), ref, "open /ui for the incidents you may see");
    } catch (e) {
      if (isFirebreakError(e) && e.code === "NO_INCIDENT")
        return send(c, page({ title: "No incident", who: who(c), body: html`${notice}${notVisibleBody(ref, who(c).csrf)}` }), 404);
      throw e;
    }
    const events = await st(c).timeline(incident.id);
    const fragment = incidentFragment(incident, events, clock.now(), filterOf(c));
    const acts = actions(incident, { role: c.get("caller").token.role, csrf: who(c).csrf, events });
    return send(
      c,
      page({
        title: incident.ticket,
        who: who(c),
        live: { fragment: `/ui/incidents/${incident.id}/fragment`, incident: incident.id },
        body: incidentBody(incident, fragment, acts, notice),
      }),
      status,
    );
  }

  app.get("/incidents/:id", (c) => {
    const done = DONE[c.req.query("done") ?? ""];
    return incidentPage(c, c.req.param("id"), done ? doneBox(done) : "");
  });
  app.get("/incidents/:id/fragment", async (c) => {
    const incident = await visibleIncident(st(c), c.get("caller"), c.req.param("id"), "open /ui for the incidents you may see");
    return send(c, incidentFragment(incident, await st(c).timeline(incident.id), clock.now(), filterOf(c)).s);
  });

  /** Runs one action; its refusal is shown on the incident page, its success lands back there. */
  const action =
    (name: string, run: (c: Context<Env>, incident: Incident, form: Record<string, string>) => Promise<void>) =>
    async (c: Context<Env>) => {
      const ref = c.req.param("id") ?? "";
      const raw = await c.req.parseBody();
      const form = Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === "string")) as Record<string, string>;
      try {
        const incident = await visibleIncident(st(c), c.get("caller"), ref, "open /ui for the incidents you may see");
        await run(c, incident, form);
        await deps.written(incident.id);
        return c.redirect(`/ui/incidents/${encodeURIComponent(incident.id)}?done=${name}`, 303);
      } catch (e) {
        if (!isFirebreakError(e) || e.code === "NO_INCIDENT") throw e;
        return incidentPage(c, ref, errorBox(e), STATUS[e.code] ?? 409);
      }
    };

  const actor = (c: Context<Env>) => c.get("caller").token;

  app.post(
    "/incidents/:id/note",
    action("note", async (c, incident, form) => {
      await allowRole(rc(c), c.get("caller"), "responder", "writing a note", incident.id);
      const text = (form.text ?? "").trim();
      if (!text) throw missing("The note is empty.", "write the note and press Add note");
      if (text.length > 4000) throw E.usage("A note is at most 4,000 characters.");
      await st(c).appendEvent(incident.id, {
        at: clock.now().toISOString(),
        actor: actor(c).name,
        ...eventBody("note", { text, summary: text }),
      });
    }),
  );

  app.post(
    "/incidents/:id/confirm",
    action("confirm", async (c, incident, form) => {
      await allowRole(rc(c), c.get("caller"), "responder", "confirming a checklist item", incident.id);
      const item = form.item ?? "";
      if (item === "staging-verified")
        throw E.usage(
          "staging-verified names the pushed commit, which the server cannot read.",
          "firebreak confirm staging-verified   # from a clone",
        );
      const store = st(c);
      const opDeps = { clock, store: async () => store, actor: async () => actor(c).name } as unknown as WorkflowDeps;
      await confirm(opDeps, { incident, item: item as never });
    }),
  );

  app.post(
    "/incidents/:id/approve",
    action("approve", async (c, incident, form) => {
      const caller = await allowRole(rc(c), c.get("caller"), "approver", "approving a fix", incident.id);
      const note = (form.note ?? "").trim();
      await approveAs({ store: st(c), records: rc(c), clock }, caller, incident, note ? { note } : {});
    }),
  );

  app.post(
    "/incidents/:id/waive",
    action("waive", async (c, incident, form) => {
      const caller = await allowRole(rc(c), c.get("caller"), "commander", "waiving a gate item", incident.id);
      // The form's one required field, said in the form's words (the core refuses it too).
      if (!(form.reason ?? "").trim())
        throw missing("A waiver needs a reason: say why it is safe to go on without it.", "fill in the Reason field and press Waive again");
      await waiveAs({ store: st(c), records: rc(c), clock }, caller, incident, { item: form.item ?? "", reason: form.reason ?? "" });
    }),
  );

  // A rollback (or a ship) an agent planned goes ahead once a person confirms it; the server has
  // no repository to run it itself, so the commander's button is that confirmation.
  app.post(
    "/incidents/:id/plans/:plan/confirm",
    action("plan", async (c, incident, form) => {
      const caller = await allowRole(rc(c), c.get("caller"), "commander", "confirming a plan", incident.id);
      if (form.sure !== "yes")
        throw missing("The plan was not confirmed: the confirmation box was not ticked.", "tick the box and press the button again");
      const id = c.req.param("plan") ?? "";
      await confirmPlanAs({ store: st(c), records: rc(c), clock }, caller, incident, id, "dashboard");
    }),
  );

  app.post("/access-requests", async (c) => {
    const caller = c.get("caller");
    const form = await c.req.parseBody();
    const ref = typeof form.incident === "string" ? form.incident.trim().slice(0, 200) : "";
    const reason = typeof form.reason === "string" ? form.reason.trim().slice(0, 1000) : "";
    if (!ref || !reason) throw missing("An access request needs a reason.", "say why you need access and send the request again");
    if (accessLimiter.take(caller.token.id) > 0) throw accessRequestsThrottled(caller.token.name);
    const store = st(c);
    const found = (await store.getIncident(ref)) ?? (await store.findByTicket(ref));
    await rc(c).audit(caller.token.name, "access.requested", found?.id ?? ref, { reason, via: "dashboard" });
    // The same answer whether the incident exists or not: asking reveals nothing.
    return send(
      c,
      page({ title: "Access requested", who: who(c), body: html`${doneBox(DONE.access!)}<p><a href="/ui">Back to the incidents</a></p>` }),
    );
  });

  // --- live events -----------------------------------------------------------------------------

  // Only the incident's id goes out, and only for incidents this session may see; the page then
  // fetches its fragment, which applies the same visibility check again.
  app.get("/events", (c) => {
    const session = c.get("session");
    const store = st(c);
    const team = session.caller.token.team;
    let caller = session.caller;
    let checkedAt = Date.now();
    const criteriaOf = new Map<string, string[]>();
    return streamSSE(c, async (stream) => {
      if (deps.metrics) deps.metrics.sseClients++;
      const queue: TimelineEvent[] = [];
      let wake: (() => void) | undefined;
      let done = false;
      const end = () => {
        done = true;
        wake?.();
      };
      deps.streams?.add(end);
      stream.onAbort(end);
      const unsubscribe = deps.hub.subscribe((e, eventTeam) => {
        if (eventTeam !== team) return; // another team's event: not even its incident's id goes out
        queue.push(e);
        wake?.();
      });
      try {
        await stream.write(": ready\n\n");
        while (!done) {
          while (queue.length > 0 && !done) {
            const e = queue.shift()!;
            // A revoked token, a signed-out session or a new membership shows within seconds.
            if (Date.now() - checkedAt > 2000) {
              const again = await currentSession(c, server, clock.now());
              if (!again) return;
              caller = again.caller;
              checkedAt = Date.now();
            }
            let criteria = criteriaOf.get(e.incidentId);
            if (!criteria) {
              // Not in the session's team's record: nothing goes out, and nothing is remembered.
              const found = await store.getIncident(e.incidentId);
              if (!found) continue;
              criteria = found.criteria;
              criteriaOf.set(e.incidentId, criteria);
            }
            if (canSee(caller, { id: e.incidentId, criteria }))
              await stream.writeSSE({ event: "timeline", data: JSON.stringify({ incidentId: e.incidentId }) });
          }
          if (done) break;
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((r) => {
            wake = r;
            timer = setTimeout(r, 15_000);
          });
          clearTimeout(timer);
          wake = undefined;
          if (queue.length === 0 && !done) {
            if (!(await currentSession(c, server, clock.now()))) return;
            await stream.write(": keep-alive\n\n");
          }
        }
      } finally {
        unsubscribe();
        deps.streams?.delete(end);
        if (deps.metrics) deps.metrics.sseClients--;
      }
    });
  });

  // Last, so every route above matches first.
  app.get("*", (c) =>
    send(
      c,
      page({ title: "Not found", who: who(c), body: html`<h1>No such page</h1><p><a href="/ui">Back to the incidents</a></p>` }),
      404,
    ),
  );

  return app;
}
