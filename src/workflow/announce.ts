// Telling people: one stage (investigating → identified → monitoring → resolved) to each chosen
// channel, written from the record. Channels are independent: one failing never stops the next,
// and the result lists each one's outcome. Every send is an effect, so running it again posts
// nothing twice. `ship` and `verify` call announceStage() for the stages notify.auto names.

import { mkdir, writeFile } from "node:fs/promises";
import { redact } from "../redact.js";
import { dirname, join, resolve } from "node:path";
import type { WorkflowDeps } from "./deps.js";
import type { Config } from "../config/schema.js";
import type { Incident } from "../domain/types.js";
import { FirebreakError } from "../errors.js";
import { buildAnnouncement, publicText, type AnnouncementView } from "../announce/model.js";
import { previewText, renderStatusPage, renderStatusUpdate } from "../announce/render.js";
import { mergeUpdate } from "../announce/status-document.js";
import { sendChannel, type ChannelOutcome, type NotifyConfig, type SendContext } from "../announce/send.js";
import { NOTIFY_CHANNELS, STAGES, parseChannels, type NotifyChannel, type Stage } from "../announce/stages.js";

export type { ChannelOutcome } from "../announce/send.js";
export type { Stage } from "../announce/stages.js";

export interface AnnounceOptions {
  /** Channel names; default notify.channels, else every configured channel. */
  channels?: string[];
  out?: { info(line: string): void };
  /** Channels whose "possibly sent" message a person has checked and wants sent again. */
  resend?: string[];
}

export interface AnnounceResult {
  stage: Stage;
  outcomes: ChannelOutcome[];
  /** True when any channel failed (the CLI exits 9). */
  failed: boolean;
  /** True when this run recorded announce.resolved (and moved the incident to resolved if it was verified). */
  resolvedRecorded: boolean;
}

const CONFIG_KEY: Record<NotifyChannel, keyof NotifyConfig> = {
  slack: "slack",
  teams: "teams",
  statuspage: "statuspage",
  "statuspage-static": "staticPage",
  email: "email",
  webhook: "webhook",
};

export function configuredChannels(notify: NotifyConfig): NotifyChannel[] {
  return NOTIFY_CHANNELS.filter((c) => notify[CONFIG_KEY[c]] !== undefined);
}

/** The channels to use: those asked for, else notify.channels, else every configured one (all of them for a preview). */
export function selectChannels(notify: NotifyConfig, requested: string[] | undefined, preview = false): NotifyChannel[] {
  if (requested && requested.length) return parseChannels(requested);
  if (notify.channels?.length) return [...notify.channels];
  const configured = configuredChannels(notify);
  return configured.length || !preview ? configured : [...NOTIFY_CHANNELS];
}

/** The stages notify.auto names for the end of `ship` (deployed) or `verify` (fix confirmed). */
export function autoStages(config: Config, after: "ship" | "verify"): Stage[] {
  return [...(config.notify.auto[after] ?? [])];
}

export const announceCommand = (incident: Incident, stage: Stage) => `firebreak announce --stage ${stage} --ticket ${incident.ticket}`;

async function view(app: WorkflowDeps, incident: Incident, stage: Stage, config: Config): Promise<AnnouncementView> {
  const store = await app.store();
  const events = await store.timeline(incident.id);
  const targets = (config.backport.targets ?? []).map((t) => t.branch);
  return buildAnnouncement(incident, events, stage, { now: app.clock.now(), backportTargets: targets });
}

const CUSTOMER_CHANNELS = new Set<string>(["email", "statuspage", "statuspage-static"]);

export async function announceStage(
  app: WorkflowDeps,
  incident: Incident,
  stage: Stage,
  opts: AnnounceOptions = {},
): Promise<AnnounceResult> {
  if (!(STAGES as readonly string[]).includes(stage))
    throw new FirebreakError({ code: "USAGE", message: `"${stage}" is not a stage (valid: ${STAGES.join(", ")}).` });
  const config = await app.config();
  const channels = selectChannels(config.notify, opts.channels);
  if (channels.length === 0)
    throw new FirebreakError({
      code: "NO_CHANNELS",
      message: "No channel to announce on: notify in .firebreak.yml configures none.",
    });
  const resend = opts.resend ? parseChannels(opts.resend) : [];
  for (const r of resend)
    if (!channels.includes(r))
      throw new FirebreakError({ code: "USAGE", message: `--resend ${r} names a channel this run does not use (${channels.join(", ")}).` });

  const deps = await app.effectDeps();
  const store = deps.store;
  const repoRoot = await app.repoRoot();
  const v = await view(app, incident, stage, config);
  const journal = await store.listEffects(incident.id);
  const progress = (m: string) => opts.out?.info(m);
  const base: Omit<SendContext, "resend"> = {
    deps,
    incident,
    stage,
    view: v,
    repoRoot,
    notify: config.notify,
    env: app.env,
    net: {
      timeoutMs: config.notify.timeoutSeconds * 1000,
      retry: {
        maxWaitSeconds: config.notify.maxRetryWaitSeconds,
        maxAttempts: 4,
        defaultWaitSeconds: 1,
        onWait: (service, s) => progress(`${service} is rate limiting (HTTP 429): waiting ${s} s as it asked, then trying again…`),
      },
    },
    journal,
    progress,
    command: announceCommand(incident, stage),
  };

  const outcomes: ChannelOutcome[] = [];
  // At P0/P1 customers read only a summary a person wrote for them; without one their channels wait.
  const withheld = (incident.priority === "P0" || incident.priority === "P1") && !publicText(incident).summary;
  for (const channel of channels) {
    if (withheld && CUSTOMER_CHANNELS.has(channel)) {
      outcomes.push({
        channel,
        state: "failed",
        summary: `not sent: at ${incident.priority} customers need a public summary, and the internal title and impact never go to them`,
        next: `firebreak announce --stage ${stage} --channel ${channel} --public-title "<what customers see>" --public-summary "<what happened, for customers>"`,
      });
      continue;
    }
    outcomes.push(await sendChannel(channel, { ...base, resend: resend.includes(channel) }));
  }

  const resolvedRecorded = await record(app, incident, stage, outcomes);
  return { stage, outcomes, failed: outcomes.some((o) => o.state === "failed"), resolvedRecorded };
}

const DELIVERED = new Set(["sent", "already-sent", "confirmed"]);

/**
 * Keeps each channel's ids under incident.data.announcements[stage][channel] (for people and
 * other areas), and, the first time a resolution went out, records announce.resolved and moves a
 * verified incident to resolved, in one write.
 */
async function record(app: WorkflowDeps, incident: Incident, stage: Stage, outcomes: ChannelOutcome[]): Promise<boolean> {
  const store = await app.store();
  const now = app.clock.now().toISOString();
  const current = (await store.getIncident(incident.id)) ?? incident;
  const all = { ...((current.data.announcements as Record<string, Record<string, unknown>> | undefined) ?? {}) };
  const mine = { ...(all[stage] ?? {}) };
  let changed = false;
  for (const o of outcomes) {
    if (o.state === "failed") continue;
    const prev = mine[o.channel] as { state?: string } | undefined;
    if (o.state === "already-sent" && prev?.state === "sent") continue;
    if (o.state === "possibly-sent" && prev?.state === "possibly-sent") continue;
    mine[o.channel] = { state: o.state === "possibly-sent" ? "possibly-sent" : "sent", at: now, ...(o.ids ?? {}) };
    changed = true;
  }
  all[stage] = mine;

  const delivered = outcomes.filter((o) => DELIVERED.has(o.state) || o.delivered).map((o) => o.channel);
  const needResolved =
    stage === "resolved" && delivered.length > 0 && !(await store.timeline(incident.id)).some((e) => e.kind === "announce.resolved");
  if (!changed && !needResolved) return false;
  await store.updateIncident(
    incident.id,
    { ...(needResolved && current.status === "verified" ? { status: "resolved" as const } : {}), data: { announcements: all } },
    needResolved
      ? {
          at: now,
          actor: await app.actor(),
          kind: "announce.resolved",
          data: { stage, channels: delivered, summary: `resolution announced on ${delivered.join(", ")}` },
        }
      : undefined,
  );
  return needResolved;
}

export interface PreviewChannel {
  channel: NotifyChannel;
  text: string;
  files: string[];
}

/** Every chosen channel rendered, nothing sent; with outDir, each channel's payload written to files there. */
export async function previewStage(
  app: WorkflowDeps,
  incident: Incident,
  stage: Stage,
  opts: { channels?: string[]; outDir?: string } = {},
): Promise<PreviewChannel[]> {
  const config = await app.config();
  const repoRoot = await app.repoRoot();
  const channels = selectChannels(config.notify, opts.channels, true);
  const v = await view(app, incident, stage, config);
  const out: PreviewChannel[] = [];
  for (const channel of channels) {
    const p = await previewText(channel, v, repoRoot);
    const files = { ...p.files };
    if (channel === "statuspage-static") {
      const u = await renderStatusUpdate(v, repoRoot);
      const doc = mergeUpdate(
        null,
        config.notify.staticPage?.title ?? "Service status",
        { id: incident.ticket, name: u.name, impact: "major" },
        { stage, stageLabel: v.stageLabel, body: u.body, at: v.iso.at },
      );
      files["statuspage-static/index.html"] = await renderStatusPage(doc, repoRoot);
      files["statuspage-static/status.json"] = JSON.stringify(doc, null, 2) + "\n";
    }
    const written: string[] = [];
    if (opts.outDir) {
      const dir = resolve(app.cwd, opts.outDir);
      for (const [name, text] of Object.entries(files)) {
        const file = join(dir, name);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, redact(text));
        written.push(file);
      }
    }
    out.push({ channel, text: p.text, files: written });
  }
  return out;
}
