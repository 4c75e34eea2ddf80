// Sending one stage to one channel, each send an effect in the journal (`announce:<stage>:<channel>`):
// a re-run replays what was done and never posts twice. Where the service can be asked (Statuspage,
// the static page) an interrupted send is settled by looking; where it cannot (chat webhooks,
// e-mail), it is "possibly sent" and waits for a person to say --resend.

import { createHash } from "node:crypto";
import type { Config } from "../config/schema.js";
import { resolveSecret, type Secret } from "../config/secrets.js";
import type { EffectRecord, Incident } from "../domain/types.js";
import { AmbiguousOutcome, effect, type EffectDeps, type EffectOutcome, type EffectSpec } from "../workflow/effect.js";
import { registerCredentialPair, registerSecret } from "../redact.js";
import { FirebreakError } from "../errors.js";
import type { NotifyContext } from "../adapters/notify/context.js";
import { postSlackApi, postSlackWebhook } from "../adapters/notify/slack.js";
import { postTeams } from "../adapters/notify/teams.js";
import { postWebhook } from "../adapters/notify/webhook.js";
import { createIncident, getIncident, searchIncidents, updateIncident, type StatuspageTarget } from "../adapters/notify/statuspage.js";
import { hasUpdate, readStatus, writeStatusPage } from "../adapters/notify/static-page.js";
import { mergeUpdate } from "./status-document.js";
import { mkdir, writeFile } from "node:fs/promises";
import { renderEmail, renderSlack, renderStatusPage, renderStatusUpdate, renderTeams, renderWebhook } from "./render.js";
import { readRecipients } from "./recipients.js";
import type { AnnouncementView } from "./model.js";
import type { NotifyChannel, Stage } from "./stages.js";
import { isAbsolute, join } from "node:path";

export type NotifyConfig = Config["notify"];

export type OutcomeState = "sent" | "already-sent" | "confirmed" | "possibly-sent" | "failed";

export interface ChannelOutcome {
  channel: NotifyChannel;
  state: OutcomeState;
  /** One line a person reads in the summary. */
  summary: string;
  /** What to do about it (failed and possibly-sent only). */
  next?: string;
  /** Ids for later stages: Slack ts, Statuspage incident id… */
  ids?: Record<string, unknown>;
  /** Some of it certainly went out (e-mail: a batch sent while another is possibly sent). */
  delivered?: boolean;
}

export interface SendContext {
  deps: EffectDeps;
  incident: Incident;
  stage: Stage;
  view: AnnouncementView;
  repoRoot: string;
  notify: NotifyConfig;
  env: NodeJS.ProcessEnv;
  net: NotifyContext;
  /** A person said to send again what is "possibly sent" on this channel. */
  resend: boolean;
  /** Every effect of the incident, to find the thread or page incident of an earlier stage. */
  journal: EffectRecord[];
  progress: (message: string) => void;
  /** The command that announces this stage again, for the messages. */
  command: string;
  /** Set when this run's own send went out and no answer came (a timeout, a 5xx). */
  lastAmbiguous?: string;
}

export const effectKey = (stage: Stage, channel: NotifyChannel) => `announce:${stage}:${channel}`;

const SERVICE: Record<NotifyChannel, string> = {
  slack: "Slack",
  teams: "Teams",
  statuspage: "Statuspage",
  "statuspage-static": "the static status page",
  email: "the mail server's log",
  webhook: "the webhook's receiver",
};

function secret(ctx: SendContext, ref: string, where: string): Secret {
  const s = resolveSecret(ref, ctx.env, where);
  registerSecret(s.reveal());
  return s;
}

function notConfigured(channel: NotifyChannel, key: string): FirebreakError {
  return new FirebreakError({
    code: "CHANNEL_NOT_CONFIGURED",
    message: `${channel} is not configured (no notify.${key} in .firebreak.yml).`,
    next: `add notify.${key} to .firebreak.yml (see docs/announce.md), or leave ${channel} out of --channel`,
  });
}

const stateOf = (how: EffectOutcome<unknown>["how"]): OutcomeState =>
  how === "performed" ? "sent" : how === "replayed" ? "already-sent" : "confirmed";

/** The result of an earlier stage's send on this channel that carries `field`, oldest first. */
function earlier(ctx: SendContext, channel: NotifyChannel, field: string): Record<string, unknown> | null {
  const found = ctx.journal
    .filter((e) => e.state === "done" && e.key.startsWith("announce:") && e.key.endsWith(`:${channel}`) && e.result && e.result[field])
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return found[0]?.result ?? null;
}

async function run<R extends Record<string, unknown>>(ctx: SendContext, channel: NotifyChannel, key: string, spec: EffectSpec<R>) {
  const perform = async () => {
    try {
      return await spec.perform();
    } catch (e) {
      if (e instanceof AmbiguousOutcome) ctx.lastAmbiguous = e.message;
      throw e;
    }
  };
  const settle = `check ${SERVICE[channel]}; if the ${ctx.stage} message is not there: ${ctx.command} --resend ${channel}`;
  return effect<R>(ctx.deps, ctx.incident.id, key, { settle, ...spec, perform }, { force: ctx.resend });
}

const base = (ctx: SendContext, channel: NotifyChannel, summary: string) => ({ stage: ctx.stage, channel, summary });

// --- the channels ---------------------------------------------------------------------------

async function sendSlack(ctx: SendContext): Promise<ChannelOutcome> {
  const cfg = ctx.notify.slack;
  if (!cfg) throw notConfigured("slack", "slack");
  const message = await renderSlack(ctx.view, ctx.repoRoot);
  const key = effectKey(ctx.stage, "slack");
  if (cfg.token && cfg.channel) {
    const token = secret(ctx, cfg.token, "notify.slack.token");
    const thread = earlier(ctx, "slack", "ts");
    const threadTs = thread && thread.slackChannel === cfg.channel ? String(thread.ts) : undefined;
    const o = await run(ctx, "slack", key, {
      kind: "announce.sent",
      intent: { stage: ctx.stage, channel: "slack", via: "api", slackChannel: cfg.channel, ...(threadTs ? { threadTs } : {}) },
      perform: async () => {
        ctx.progress(`Posting the ${ctx.stage} message to Slack${threadTs ? " (in the incident's thread)" : ""}…`);
        const r = await postSlackApi(
          { apiUrl: cfg.apiUrl, token, channel: cfg.channel!, threadTs, broadcast: ctx.stage === "resolved" },
          message,
          ctx.net,
        );
        return {
          ...base(ctx, "slack", `${ctx.stage} message posted to Slack ${cfg.channel}${threadTs ? " in the incident thread" : ""}`),
          via: "api",
          ts: r.ts,
          slackChannel: r.channel,
          ...(threadTs ? { threadTs } : {}),
        };
      },
    });
    return {
      channel: "slack",
      state: stateOf(o.how),
      summary: String(o.result.summary),
      ids: { ts: o.result.ts, slackChannel: o.result.slackChannel, threadTs: o.result.threadTs ?? null },
    };
  }
  const url = secret(ctx, cfg.webhook!, "notify.slack.webhook");
  const o = await run(ctx, "slack", key, {
    kind: "announce.sent",
    intent: { stage: ctx.stage, channel: "slack", via: "webhook" },
    perform: async () => {
      ctx.progress(`Posting the ${ctx.stage} message to Slack…`);
      await postSlackWebhook(url, message, ctx.net);
      return { ...base(ctx, "slack", `${ctx.stage} message posted to Slack (webhook)`), via: "webhook" };
    },
  });
  return { channel: "slack", state: stateOf(o.how), summary: String(o.result.summary) };
}

async function sendTeams(ctx: SendContext): Promise<ChannelOutcome> {
  const cfg = ctx.notify.teams;
  if (!cfg) throw notConfigured("teams", "teams");
  const url = secret(ctx, cfg.webhook, "notify.teams.webhook");
  const card = await renderTeams(ctx.view, ctx.repoRoot);
  const o = await run(ctx, "teams", effectKey(ctx.stage, "teams"), {
    kind: "announce.sent",
    intent: { stage: ctx.stage, channel: "teams" },
    perform: async () => {
      ctx.progress(`Posting the ${ctx.stage} card to Teams…`);
      await postTeams(url, card, ctx.net);
      return base(ctx, "teams", `${ctx.stage} card posted to Teams`);
    },
  });
  return { channel: "teams", state: stateOf(o.how), summary: String(o.result.summary) };
}

const DEFAULT_COMPONENT_STATUS = { P0: "major_outage", P1: "major_outage", P2: "partial_outage", P3: "degraded_performance" } as const;

async function sendStatuspage(ctx: SendContext): Promise<ChannelOutcome> {
  const cfg = ctx.notify.statuspage;
  if (!cfg) throw notConfigured("statuspage", "statuspage");
  const target: StatuspageTarget = { apiUrl: cfg.apiUrl, apiKey: secret(ctx, cfg.apiKey, "notify.statuspage.apiKey"), pageId: cfg.pageId };
  const { name, body } = await renderStatusUpdate(ctx.view, ctx.repoRoot);
  const down = cfg.componentStatus ?? DEFAULT_COMPONENT_STATUS[ctx.incident.priority];
  const componentStatus = ctx.stage === "resolved" ? "operational" : ctx.stage === "monitoring" ? "degraded_performance" : down;
  const update = {
    status: ctx.stage,
    body,
    componentIds: cfg.components,
    components: Object.fromEntries(cfg.components.map((c) => [c, componentStatus])),
    deliverNotifications: cfg.deliverNotifications,
  };
  const created = earlier(ctx, "statuspage", "statuspageId");
  const key = effectKey(ctx.stage, "statuspage");
  const marker = { firebreak: { incident: ctx.incident.id, ticket: ctx.incident.ticket } };
  const summarise = (verb: string, id: string, link?: string) =>
    `${verb} Statuspage incident ${id} (${ctx.stage})${link ? ` ${link}` : ""}`;

  // Creates on this channel that never got their answer recorded (killed, or a lost answer): any
  // of them may have opened the incident, under the name it had then.
  const unfinished = ctx.journal.filter(
    (e) => e.key.startsWith("announce:") && e.key.endsWith(":statuspage") && e.state !== "done" && e.intent.action === "create",
  );
  const names = [...new Set([name, ...unfinished.map((e) => e.intent.name).filter((n): n is string => typeof n === "string" && n !== "")])];

  /**
   * The page's incident that carries this incident's marker. A page that drops metadata is matched
   * by name, and only when a create of ours is known to be unfinished: a same-named incident
   * someone else opened is never adopted.
   */
  const ours = async (byName: boolean) => {
    for (const q of names) {
      const found = (await searchIncidents(target, q, ctx.net)).find((i) => {
        const fb = (i.metadata as { firebreak?: { incident?: string } } | undefined)?.firebreak;
        return fb?.incident === ctx.incident.id || (byName && fb === undefined && i.name === q);
      });
      if (found) return found;
    }
    return undefined;
  };

  if (!created) {
    const o = await run(ctx, "statuspage", key, {
      kind: "announce.sent",
      intent: { stage: ctx.stage, channel: "statuspage", action: "create", name },
      // The page is asked for an incident this run's earlier attempt created (it carries our marker).
      reconcile: async () => {
        const found = await ours(true);
        return found
          ? {
              ...base(ctx, "statuspage", summarise("opened", found.id, found.shortlink)),
              statuspageId: found.id,
              shortlink: found.shortlink ?? null,
            }
          : null;
      },
      perform: async () => {
        // Before any create, the page is asked: a create that landed without being recorded (an
        // earlier stage killed, a lost answer, a --resend) makes this stage an update of that
        // incident, never a second incident that subscribers are told about twice.
        const existing = await ours(unfinished.length > 0);
        if (existing) {
          // It may carry this stage's update already (the lost create was this stage's): then nothing is posted.
          const full = existing.incident_updates ? existing : await getIncident(target, existing.id, ctx.net);
          if ((full.incident_updates ?? []).some((u) => u.status === ctx.stage))
            return {
              ...base(ctx, "statuspage", summarise("found", existing.id, existing.shortlink)),
              statuspageId: existing.id,
              shortlink: existing.shortlink ?? null,
            };
          ctx.progress(`Updating Statuspage incident ${existing.id} to ${ctx.stage}…`);
          await updateIncident(target, existing.id, update, ctx.net);
          return {
            ...base(ctx, "statuspage", summarise("updated", existing.id, existing.shortlink)),
            statuspageId: existing.id,
            shortlink: existing.shortlink ?? null,
          };
        }
        ctx.progress(`Opening the incident on Statuspage (${ctx.stage})…`);
        const inc = await createIncident(target, { ...update, name, metadata: marker }, ctx.net);
        return {
          ...base(ctx, "statuspage", summarise("opened", inc.id, inc.shortlink)),
          statuspageId: inc.id,
          shortlink: inc.shortlink ?? null,
        };
      },
    });
    return {
      channel: "statuspage",
      state: stateOf(o.how),
      summary: String(o.result.summary),
      ids: { statuspageId: o.result.statuspageId, shortlink: o.result.shortlink },
    };
  }

  const id = String(created.statuspageId);
  const o = await run(ctx, "statuspage", key, {
    kind: "announce.sent",
    intent: { stage: ctx.stage, channel: "statuspage", action: "update", statuspageId: id },
    reconcile: async () => {
      const inc = await getIncident(target, id, ctx.net);
      // One update per stage: its status says whether it landed (a team template may make the body differ each time).
      const posted = (inc.incident_updates ?? []).some((u) => u.status === ctx.stage);
      return posted ? { ...base(ctx, "statuspage", summarise("updated", id)), statuspageId: id } : null;
    },
    perform: async () => {
      ctx.progress(`Updating Statuspage incident ${id} to ${ctx.stage}…`);
      await updateIncident(target, id, update, ctx.net);
      return { ...base(ctx, "statuspage", summarise("updated", id)), statuspageId: id };
    },
  });
  return { channel: "statuspage", state: stateOf(o.how), summary: String(o.result.summary), ids: { statuspageId: id } };
}

const IMPACT = { P0: "critical", P1: "major", P2: "minor", P3: "minor" } as const;

async function sendStatic(ctx: SendContext): Promise<ChannelOutcome> {
  const cfg = ctx.notify.staticPage;
  if (!cfg) throw notConfigured("statuspage-static", "staticPage");
  const dir = isAbsolute(cfg.dir) ? cfg.dir : join(ctx.repoRoot, cfg.dir);
  const { name, body } = await renderStatusUpdate(ctx.view, ctx.repoRoot);
  const summary = `${ctx.stage} update written to ${cfg.dir}/ (index.html, status.json)`;
  const o = await run(ctx, "statuspage-static", effectKey(ctx.stage, "statuspage-static"), {
    kind: "announce.sent",
    intent: { stage: ctx.stage, channel: "statuspage-static", dir: cfg.dir },
    reconcile: async () =>
      (await hasUpdate(dir, ctx.incident.ticket, ctx.stage)) ? { ...base(ctx, "statuspage-static", summary), dir: cfg.dir } : null,
    perform: async () => {
      ctx.progress(`Writing the status page to ${cfg.dir}/…`);
      const doc = mergeUpdate(
        await readStatus(dir),
        cfg.title,
        { id: ctx.incident.ticket, name, impact: IMPACT[ctx.incident.priority] },
        { stage: ctx.stage, stageLabel: ctx.view.stageLabel, body, at: ctx.view.iso.at },
      );
      await writeStatusPage(dir, doc, await renderStatusPage(doc, ctx.repoRoot));
      return { ...base(ctx, "statuspage-static", summary), dir: cfg.dir };
    },
  });
  return { channel: "statuspage-static", state: stateOf(o.how), summary: String(o.result.summary) };
}

const digest = (xs: string[]) => createHash("sha256").update(xs.join("\n")).digest("hex");
const addressHash = (a: string) => digest([a.toLowerCase()]).slice(0, 16);

/**
 * E-mail in batches, each batch its own effect (keyed by the hash of its addresses). Addresses an
 * earlier run already covered, in any state, are never put in a new batch, so a changed list or
 * batch size cannot send anyone the same stage twice. The journal holds hashes, not addresses.
 */
async function sendEmail(ctx: SendContext): Promise<ChannelOutcome> {
  const cfg = ctx.notify.email;
  if (!cfg) throw notConfigured("email", "email");
  const { addresses, invalid } = await readRecipients(cfg.to, cfg.recipientsFile, ctx.repoRoot);
  for (const bad of invalid) ctx.progress(`E-mail: ${bad.reason}; left out.`);
  if (addresses.length === 0) throw new FirebreakError({ code: "NO_RECIPIENTS", message: "E-mail: no valid recipient address." });
  const content = { ...(await renderEmail(ctx.view, ctx.repoRoot)), from: cfg.from, replyTo: cfg.replyTo };
  const password = cfg.smtp.password ? secret(ctx, cfg.smtp.password, "notify.email.smtp.password") : undefined;
  // The server may echo the AUTH exchange: the base64 of user and password together.
  if (password) registerCredentialPair(cfg.smtp.user, password.reveal());

  const prefix = `${effectKey(ctx.stage, "email")}:`;
  const byHash = new Map(addresses.map((a) => [addressHash(a), a]));
  const earlierBatches = ctx.journal.filter((e) => e.key.startsWith(prefix));
  const covered = new Set(earlierBatches.flatMap((e) => (Array.isArray(e.intent.recipients) ? (e.intent.recipients as string[]) : [])));
  // Interrupted batches first (each settles as its effect says), then the addresses not yet covered.
  const batches: { key: string; hashes: string[] }[] = earlierBatches
    .filter((e) => e.state !== "done")
    .map((e) => ({ key: e.key, hashes: (e.intent.recipients as string[]).filter((h) => byHash.has(h)) }));
  const fresh = addresses.map(addressHash).filter((h) => !covered.has(h));
  for (let i = 0; i < fresh.length; i += cfg.batchSize) {
    const hashes = fresh.slice(i, i + cfg.batchSize);
    batches.push({ key: `${prefix}${digest(hashes).slice(0, 12)}`, hashes });
  }
  const already = earlierBatches.filter((e) => e.state === "done").reduce((n, e) => n + Number(e.result?.recipients ?? 0), 0);

  // With outDir each batch becomes an .eml file there instead of an SMTP send.
  const outDir = cfg.outDir ? (isAbsolute(cfg.outDir) ? cfg.outDir : join(ctx.repoRoot, cfg.outDir)) : null;
  // Loaded here: nodemailer is a third of what ship, verify and announce would otherwise load.
  const { openEmlWriter, openSmtp, sendBatch } = await import("../adapters/notify/email.js");
  const transport = !batches.length ? null : outDir ? openEmlWriter() : openSmtp({ ...cfg.smtp, password, timeoutMs: ctx.net.timeoutMs });
  let sent = 0;
  let possibly = 0;
  let failed: FirebreakError | Error | null = null;
  try {
    for (const [n, b] of batches.entries()) {
      const to = b.hashes.map((h) => byHash.get(h)!).filter(Boolean);
      try {
        const o = await run(ctx, "email", b.key, {
          kind: "announce.sent",
          intent: { stage: ctx.stage, channel: "email", recipients: b.hashes },
          perform: async () => {
            ctx.progress(`E-mail: sending batch ${n + 1} of ${batches.length} (${to.length} recipient${to.length === 1 ? "" : "s"})…`);
            const r = await sendBatch(transport!, content, to);
            let file: string | undefined;
            if (outDir && r.raw) {
              await mkdir(outDir, { recursive: true });
              file = join(outDir, `${ctx.incident.ticket}-${ctx.stage}-${b.key.slice(prefix.length)}.eml`);
              await writeFile(file, r.raw);
            }
            const said = file
              ? `${ctx.stage} e-mail for ${to.length} recipient(s) written to ${file}`
              : `${ctx.stage} e-mail sent to ${r.accepted} recipient(s)${r.rejected ? `, ${r.rejected} refused by the server` : ""}`;
            return {
              ...(file ? { file } : {}),
              ...base(ctx, "email", said),
              recipients: to.length,
              accepted: r.accepted,
              rejected: r.rejected,
              messageId: r.messageId,
            };
          },
        });
        if (o.how === "replayed") continue;
        sent += Number(o.result.recipients ?? to.length);
      } catch (e) {
        if (e instanceof FirebreakError && e.code === "EFFECT_POSSIBLY_DONE") possibly += to.length;
        else {
          failed = e as Error;
          break; // the server is down or refusing: later batches would fail the same way
        }
      }
    }
  } finally {
    transport?.close();
  }
  const parts = [
    sent ? (outDir ? `written to ${outDir} for ${sent}` : `sent to ${sent}`) : "",
    already ? `${already} already sent earlier` : "",
    possibly ? `${possibly} possibly sent by an interrupted run` : "",
    invalid.length ? `${invalid.length} invalid address(es) left out` : "",
  ].filter(Boolean);
  const summary = `${ctx.stage} e-mail: ${parts.join(", ") || "nothing to send"}`;
  if (failed) {
    const msg = failed instanceof FirebreakError ? failed.message : failed.message;
    return {
      channel: "email",
      state: "failed",
      summary: `${summary}${parts.length ? "; " : ""}${msg}`,
      delivered: sent + already > 0,
      next: failed instanceof FirebreakError ? failed.next : undefined,
    };
  }
  if (possibly)
    return {
      channel: "email",
      state: "possibly-sent",
      summary,
      delivered: sent + already > 0,
      next: `check the mail server's log; for the batches that did not go out: ${ctx.command} --resend email`,
    };
  return { channel: "email", state: sent ? "sent" : "already-sent", summary };
}

async function sendWebhook(ctx: SendContext): Promise<ChannelOutcome> {
  const cfg = ctx.notify.webhook;
  if (!cfg) throw notConfigured("webhook", "webhook");
  const url = secret(ctx, cfg.url, "notify.webhook.url");
  const token = cfg.token ? secret(ctx, cfg.token, "notify.webhook.token") : undefined;
  const payload = await renderWebhook(ctx.view, ctx.repoRoot);
  const o = await run(ctx, "webhook", effectKey(ctx.stage, "webhook"), {
    kind: "announce.sent",
    intent: { stage: ctx.stage, channel: "webhook" },
    perform: async () => {
      ctx.progress(`Posting the ${ctx.stage} announcement to the webhook…`);
      const r = await postWebhook(url, token, payload, ctx.net);
      return { ...base(ctx, "webhook", `${ctx.stage} announcement delivered to the webhook (HTTP ${r.status})`) };
    },
  });
  return { channel: "webhook", state: stateOf(o.how), summary: String(o.result.summary) };
}

const SENDERS: Record<NotifyChannel, (ctx: SendContext) => Promise<ChannelOutcome>> = {
  slack: sendSlack,
  teams: sendTeams,
  statuspage: sendStatuspage,
  "statuspage-static": sendStatic,
  email: sendEmail,
  webhook: sendWebhook,
};

/** Sends one channel; never throws: every failure becomes that channel's outcome. */
export async function sendChannel(channel: NotifyChannel, ctx: SendContext): Promise<ChannelOutcome> {
  ctx.lastAmbiguous = undefined;
  try {
    return await SENDERS[channel](ctx);
  } catch (e) {
    // Set by run() while the sender was awaited (TypeScript cannot see that).
    const ambiguous = ctx.lastAmbiguous as string | undefined;
    if (e instanceof FirebreakError && e.code === "EFFECT_POSSIBLY_DONE")
      return {
        channel,
        state: "possibly-sent",
        summary: ambiguous
          ? `${ctx.stage} message possibly sent: ${ambiguous.replace(/^[^:]+: /, "")}`
          : `${ctx.stage} message possibly sent: an earlier run stopped after sending and before recording the answer`,
        next: e.next,
      };
    if (e instanceof FirebreakError) return { channel, state: "failed", summary: e.message, next: e.next };
    return {
      channel,
      state: "failed",
      summary: `unexpected error: ${e instanceof Error ? e.message : String(e)}`,
      next: "run the same command with --debug and report the output",
    };
  }
}
