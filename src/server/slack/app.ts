// The Slack app on the team server: /slack/commands, /slack/interactivity and /slack/events. Every
// request is verified (signature, age, replay) before anything else, then acknowledged at once —
// Slack gives up after three seconds — and the work runs after, answering on the response URL or
// in the channel. The incident messages follow the live feed: each new event re-renders its
// incident's message, queued per channel and batched.

import { LogLevel, WebClient } from "@slack/web-api";
import { Hono } from "hono";
import type { Clock, Store } from "../../ports.js";
import { DEFAULT_TEAM } from "../../domain/access.js";
import { registerSecret } from "../../redact.js";
import type { ServerRecords } from "../../store/server-records.js";
import type { EventsHub } from "../events-hub.js";
import type { Logger } from "../log.js";
import { runCommand } from "./commands.js";
import { refusalText, respond, type SlackCtx } from "./context.js";
import { refreshIncident, refreshOpen } from "./incident-messages.js";
import { onBlockActions, onViewSubmission, type Payload, type BlockActions, type ViewSubmission } from "./interactivity.js";
import { PostQueue } from "./post-queue.js";
import type { SlackSettings } from "./settings.js";
import { verifySignature } from "./verify.js";

export interface SlackAppDeps {
  /** Every team's record and the server's records; the app works on its team's (settings.team). */
  store: Store & { forTeam(team: string): Store };
  records: ServerRecords;
  clock: Clock;
  hub: EventsHub;
  log: Logger;
  settings: SlackSettings;
  written(incidentId: string): Promise<void>;
}

const silent = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => LogLevel.ERROR, setName() {} };

export function slackApp(deps: SlackAppDeps) {
  // However the settings arrived, both secrets are masked from here on (logs, records, messages).
  registerSecret(deps.settings.signingSecret);
  registerSecret(deps.settings.botToken);
  const web = new WebClient(deps.settings.botToken, {
    slackApiUrl: deps.settings.apiUrl ?? "https://slack.com/api/",
    // The post queue owns retries: a 429 comes back at once with its Retry-After.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: silent,
    timeout: 10_000,
  });
  const queue = new PostQueue({
    gapMs: deps.settings.gapMs ?? 1000,
    onError: (e, key) =>
      deps.log.error("slack call failed", { key, error: (e as { data?: { error?: string } }).data?.error ?? (e as Error).message }),
  });
  const pending = new Set<Promise<void>>();
  const team = deps.settings.team ?? DEFAULT_TEAM;
  const records = deps.records.forTeam(team);
  const ctx: SlackCtx = {
    store: deps.store.forTeam(team),
    records,
    slack: records.slack(),
    teams: deps.store,
    clock: deps.clock,
    log: deps.log,
    web,
    queue,
    settings: deps.settings,
    written: deps.written,
    claims: new Set(),
    shown: new Map(),
    refresh: (id) => refreshIncident(ctx, id),
  };
  /** Runs after the acknowledgement; a failure is logged (with no secret), never thrown at Slack. */
  const later = (what: string, fn: () => Promise<void>) => {
    const p = new Promise<void>((r) => setImmediate(r))
      .then(fn)
      .catch((e: unknown) => deps.log.error("slack work failed", { what, error: (e as { code?: string }).code ?? (e as Error).message }))
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  // Each new event on the record re-renders its incident's message (batched per channel).
  // Only the app's team's incidents have messages: another team's event is not even looked up.
  const unsubscribe = deps.hub.subscribe((e, eventTeam) => {
    if (eventTeam === team) ctx.refresh(e.incidentId);
  });
  // And the clocks move on their own: every open incident is re-rendered each minute (unchanged
  // content is not sent); the first pass also posts incidents that started before the app was set up.
  const tick = () => refreshOpen(ctx).catch((e: unknown) => deps.log.error("slack clock refresh failed", { error: (e as Error).message }));
  const first = setTimeout(tick, 1000);
  const clock = setInterval(tick, deps.settings.clockMs ?? 60_000);
  first.unref();
  clock.unref();

  const app = new Hono<{ Variables: { body: string } }>();
  app.use("*", async (c, next) => {
    const body = await c.req.text();
    const v = verifySignature(
      deps.settings.signingSecret,
      { timestamp: c.req.header("x-slack-request-timestamp"), signature: c.req.header("x-slack-signature") },
      body,
      deps.clock.now(),
    );
    const fresh = v.ok ? await ctx.slack.firstSight(v.id) : false;
    if (!v.ok || !fresh) {
      const why = v.ok ? "this request was already received (a replay)" : v.why;
      deps.log.info("slack request refused", { why });
      return c.json({ error: { code: "SLACK_SIGNATURE_INVALID", message: `Refused: ${why}.` } }, 401);
    }
    c.set("body", body);
    await next();
  });

  app.post("/commands", (c) => {
    const f = new URLSearchParams(c.get("body"));
    const cmd = {
      text: f.get("text") ?? "",
      teamId: f.get("team_id") ?? "",
      userId: f.get("user_id") ?? "",
      channelId: f.get("channel_id") ?? "",
      responseUrl: f.get("response_url") ?? "",
      triggerId: f.get("trigger_id") ?? "",
    };
    later("command", async () => {
      const reply = await runCommand(ctx, cmd).catch((e: unknown) => ({ text: refusalText(e, ctx.log) }));
      if (cmd.responseUrl) await respond(cmd.responseUrl, reply);
    });
    return c.body(null, 200);
  });

  app.post("/interactivity", (c) => {
    let p: Payload;
    try {
      p = JSON.parse(new URLSearchParams(c.get("body")).get("payload") ?? "") as Payload;
    } catch {
      return c.json({ error: { code: "USAGE", message: "Refused: the payload is not JSON." } }, 400);
    }
    if (p.type === "block_actions") later("click", () => onBlockActions(ctx, p as BlockActions));
    else if (p.type === "view_submission") later("modal", () => onViewSubmission(ctx, p as ViewSubmission));
    // An empty 200 closes a submitted modal and acknowledges a click.
    return c.body(null, 200);
  });

  app.post("/events", (c) => {
    let p: { type?: string; challenge?: string };
    try {
      p = JSON.parse(c.get("body")) as typeof p;
    } catch {
      return c.json({ error: { code: "USAGE", message: "Refused: the body is not JSON." } }, 400);
    }
    // Slack checks the URL once with a challenge; other events are acknowledged and not used yet.
    if (p.type === "url_verification") return c.json({ challenge: p.challenge ?? "" });
    return c.body(null, 200);
  });

  return Object.assign(app, {
    /** Resolves once the work after each acknowledgement and the queued posts are done (tests, shutdown). */
    async settled() {
      for (let i = 0; i < 100 && (pending.size > 0 || i === 0); i++) {
        await Promise.all([...pending]);
        await queue.idle();
      }
    },
    queue,
    close() {
      unsubscribe();
      clearTimeout(first);
      clearInterval(clock);
    },
  });
}
