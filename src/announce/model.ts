// What an announcement says, computed from the record alone: the incident, its timeline and a few
// settings in, the templates' view out. Pure (the time is passed in), so every channel and the
// preview say the same thing, and a missing fact renders as "not recorded" instead of failing.

import type { Incident, TimelineEvent } from "../domain/types.js";
import { incidentLevelKind, LEVELS } from "../domain/levels.js";
import { formatDuration } from "../domain/deadline.js";
import { STAGE_LABEL, type Stage } from "./stages.js";
import { incidentState } from "../domain/state/state.js";
import { deploysTo } from "../domain/state/facts.js";
import { readPr } from "../domain/state/pr.js";

export interface AnnouncementView {
  stage: Stage;
  stageLabel: string;
  isInvestigating: boolean;
  isIdentified: boolean;
  isMonitoring: boolean;
  isResolved: boolean;
  ticket: string;
  title: string;
  /** What customers read (email, status pages): `announce --public-title`, else the title. */
  publicTitle: string;
  /** What customers read as "what happened": `announce --public-summary`, else nothing (never the internal impact). */
  publicSummary: string;
  priority: string;
  levelKind: string;
  status: string;
  /** When it was discovered, deployed and resolved, as "2026-11-27 14:23 UTC" ("" when unknown). */
  discoveredAt: string;
  deployedAt: string;
  resolvedAt: string;
  /** "2h 05m"; durationWhat says which span it is. */
  duration: string;
  durationWhat: string;
  whatWasBroken: string;
  impact: string;
  rootCause: string;
  fixes: string[];
  version: string;
  verified: boolean;
  verificationSummary: string;
  figures: string[];
  prUrl: string;
  prNumber: string;
  followUps: string[];
  anyFollowUps: boolean;
  /** The sentence customers read for this stage (status page, email). */
  publicUpdate: string;
  /** ISO times for machine readers (the JSON webhook, the static page). */
  iso: { discoveredAt: string; deployedAt: string | null; resolvedAt: string | null; at: string };
}

export interface ModelSettings {
  now: Date;
  /** Branches the fix is still to be carried to (backport.targets), for the follow-ups. */
  backportTargets?: string[];
}

const str = (v: unknown): string => (typeof v === "string" ? v.trim() : typeof v === "number" && Number.isFinite(v) ? String(v) : "");
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function utcText(d: Date | string): string {
  const date = typeof d === "string" ? new Date(d) : d;
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** Free text or a {who, severity, userImpact}-like object, as one paragraph. */
function prose(v: unknown): string {
  if (typeof v === "string") return v.trim();
  return Object.entries(obj(v))
    .filter(([, x]) => typeof x === "string" || typeof x === "number")
    .map(([k, x]) => `${k}: ${String(x)}`)
    .join("\n");
}

/** A verification figure as a sentence: a string, {text|summary}, or {name, before, after, unit}. */
function figureText(f: unknown): string {
  if (typeof f === "string") return f.trim();
  const o = obj(f);
  const said = str(o.text) || str(o.summary) || str(o.description);
  if (said) return said;
  const name = str(o.name) || str(o.metric) || str(o.what);
  const unit = typeof o.unit === "string" ? o.unit : ""; // kept as written: " ms" and "%" read differently
  const before = str(o.before);
  const after = str(o.after);
  if (name && before && after) return `${name} ${before}${unit} → ${after}${unit}`;
  return "";
}

function readVerification(incident: Incident): { verified: boolean; summary: string; figures: string[] } {
  const prod = obj(obj(incident.data.verification).production);
  const figures = (Array.isArray(prod.figures) ? prod.figures : []).map(figureText).filter((s) => s !== "");
  const verdict = str(prod.outcome) || str(prod.verdict) || str(prod.decision) || str(prod.result) || str(prod.status);
  const verified =
    incident.status === "verified" || incident.status === "resolved" || /^(verified|confirmed|fix-confirmed|passed|ok)$/i.test(verdict);
  return { verified, summary: str(prod.summary), figures };
}

function readFollowUps(v: unknown): string[] {
  return (Array.isArray(v) ? v : [])
    .map((f) => {
      if (typeof f === "string") return f.trim();
      const o = obj(f);
      const title = str(o.title) || str(o.text) || str(o.summary);
      const where = str(o.url) || str(o.ticket) || str(o.id);
      return title && where ? `${title} (${where})` : title;
    })
    .filter((s) => s !== "");
}

const PUBLIC_UPDATE: Record<Stage, string> = {
  investigating: "We are investigating this issue and will post an update as soon as we know more.",
  identified: "We have identified the cause and are working on a fix.",
  monitoring: "A fix has been deployed and we are monitoring the results.",
  resolved: "This incident has been resolved.",
};

export function buildAnnouncement(
  incident: Incident,
  events: readonly TimelineEvent[],
  stage: Stage,
  settings: ModelSettings,
): AnnouncementView {
  const level = LEVELS[incident.priority];
  const state = incidentState(events);
  const fixes: string[] = [];
  for (const c of state.commits) {
    const subject = str(c.subject);
    if (subject && !fixes.includes(subject)) fixes.push(subject);
  }
  const production = deploysTo(state, "production");
  const deployed: string | null = production[0]?.at ?? null;
  // The version is the latest tag; without one, what the first production deploy named.
  const tagged = state.tags.map((t) => str(t.tag) || str(t.version)).filter((v) => v !== "");
  const version = tagged.at(-1) ?? production.map((d) => str(d.version) || str(d.tag)).find((v) => v !== "") ?? "";
  const backported = state.backports.done.length > 0;
  const pr: { url?: string; number?: number } = readPr(incident) ?? {};
  const ver = readVerification(incident);
  const resolvedIso = stage === "resolved" ? settings.now.toISOString() : null;
  const discovered = new Date(incident.discoveredAt);
  const end = resolvedIso ?? deployed;
  const duration = formatDuration(Math.max(0, (end ? Date.parse(end) : settings.now.getTime()) - discovered.getTime()));
  const durationWhat = resolvedIso ? "discovered → resolved" : deployed ? "discovered → fix deployed" : "since discovery, ongoing";

  const followUps: string[] = [];
  if (level.reviewDueHours !== null) {
    const from = resolvedIso ?? deployed;
    followUps.push(
      from
        ? `Post-incident review by ${utcText(new Date(Date.parse(from) + level.reviewDueHours * 3_600_000))}`
        : `Post-incident review within ${level.reviewDueHours} hours of resolution`,
    );
  }
  if (!backported && settings.backportTargets?.length) followUps.push(`Carry the fix to ${settings.backportTargets.join(", ")}`);
  followUps.push(...readFollowUps(incident.data.followups));
  if (stage === "resolved") followUps.push(`Ticket ${incident.ticket} updated with the resolution; docs and runbooks brought up to date`);

  let publicUpdate = PUBLIC_UPDATE[stage];
  if (stage === "resolved" && deployed)
    publicUpdate = `This incident has been resolved. A fix was deployed at ${utcText(deployed)}${ver.verified ? " and confirmed in production" : ""}.`;
  else if (stage === "monitoring" && deployed)
    publicUpdate = `A fix was deployed at ${utcText(deployed)} and we are monitoring the results.`;

  return {
    stage,
    stageLabel: STAGE_LABEL[stage],
    isInvestigating: stage === "investigating",
    isIdentified: stage === "identified",
    isMonitoring: stage === "monitoring",
    isResolved: stage === "resolved",
    ticket: incident.ticket,
    title: incident.title,
    publicTitle: publicText(incident).title || incident.title,
    // Never the internal impact note: customers read only words written for them.
    publicSummary: publicText(incident).summary,
    priority: incident.priority,
    levelKind: incidentLevelKind(incident),
    status: incident.status,
    discoveredAt: utcText(discovered),
    deployedAt: deployed ? utcText(deployed) : "",
    resolvedAt: resolvedIso ? utcText(resolvedIso) : "",
    duration,
    durationWhat,
    whatWasBroken: prose(incident.data.whatWasBroken),
    impact: prose(incident.data.impact),
    rootCause: prose(incident.data.rootCause),
    fixes,
    version,
    verified: ver.verified,
    verificationSummary: ver.summary,
    figures: ver.figures,
    prUrl: /^https?:\/\//.test(str(pr.url)) ? str(pr.url) : "",
    prNumber: str(pr.number),
    followUps,
    anyFollowUps: followUps.length > 0,
    publicUpdate,
    iso: { discoveredAt: discovered.toISOString(), deployedAt: deployed, resolvedAt: resolvedIso, at: settings.now.toISOString() },
  };
}

/** The words for customers a person set with `announce --public-title/--public-summary`. */
export function publicText(incident: Incident): { title: string; summary: string } {
  const p = incident.data.public;
  const o = p && typeof p === "object" ? (p as Record<string, unknown>) : {};
  return { title: typeof o.title === "string" ? o.title : "", summary: typeof o.summary === "string" ? o.summary : "" };
}
