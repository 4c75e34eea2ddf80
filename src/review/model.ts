// The post-incident review as data, built only from the record (incident, timeline, actions).
// Markdown (a template the team can replace), HTML and the charts are all drawn from this one view.

import { reviewEvents } from "./curate.js";
import type { Incident, TimelineEvent } from "../domain/types.js";
import { describeEvent } from "../render/describe-event.js";
import { formatDuration } from "../domain/deadline.js";
import { incidentLevelKind, LEVELS } from "../domain/levels.js";
import { incidentState, type IncidentState } from "../domain/state/state.js";
import {
  failedChannels,
  milestones,
  readDeploys,
  readMetrics,
  readPrFacts,
  readTag,
  readVerification,
  str,
  type MetricFigure,
  type Milestones,
} from "./record.js";
import { deadlineOutcome, reviewDueAt, type DeadlineOutcome } from "./schedule.js";
import { PREVENTION_KINDS, readActions, readFollowups, readImpactDetails, readReviewState, type ActionItem } from "./types.js";

export const utcSeconds = (iso: string) => iso.replace("T", " ").slice(0, 19) + " UTC";
export const utcMinutes = (iso: string) => iso.replace("T", " ").slice(0, 16) + " UTC";

export interface ReviewModel {
  ticket: string;
  title: string;
  priority: string;
  level: string;
  status: string;
  respondWithin: string;
  discoveredAt: string;
  deadlineAt: string;
  deadlineIso: string;
  fixedAt?: string;
  verifiedAt?: string;
  duration: string;
  deadline: DeadlineOutcome & { met: boolean; missed: boolean };
  reviewDue?: string;
  reviewDone?: string;
  meeting?: string;
  summaryLines: string[];
  timeline: Array<{ at: string; actor: string; text: string }>;
  impact: { rows: Array<{ label: string; value: string }>; note?: string };
  rootCause?: string;
  commits: Array<{ short: string; subject: string }>;
  resolution: {
    pr?: { number?: number; url?: string; title?: string };
    tag?: string;
    deploys: Array<{ env: string; at?: string; what?: string; url?: string }>;
    verification?: { outcome?: string; at?: string; summary?: string };
    rollbacks: Array<{ at: string; summary: string }>;
    empty: boolean;
  };
  metrics: MetricFigure[];
  wentWell: string[];
  wentWrong: string[];
  actions: Array<ActionItem & { kindLabel?: string; followup?: string }>;
  prevention: Array<{ label: string; items: string[] }>;
  milestones: Milestones;
  generatedAt: string;
}

const KIND_LABEL: Record<(typeof PREVENTION_KINDS)[number], string> = {
  test: "Tests",
  monitoring: "Monitoring",
  process: "Process",
  docs: "Docs",
};
const dur = (from: string, to: string) => formatDuration(Date.parse(to) - Date.parse(from));

export function buildReviewModel(incident: Incident, events: readonly TimelineEvent[], now: Date): ReviewModel {
  const state = incidentState(events);
  const m = milestones(incident, events, state);
  const level = LEVELS[incident.priority];
  const deadline = deadlineOutcome(incident, m, now);
  const review = readReviewState(incident);
  const impactDetails = readImpactDetails(incident);
  const actions = readActions(incident);
  const followups = readFollowups(incident);
  const pr = readPrFacts(incident);
  const tag = readTag(incident, events, state);
  const deploys = readDeploys(incident, events);
  const verification = readVerification(incident, events, state);
  const metrics = readMetrics(incident, events, state);
  const rollbacks = state.rollbacks.map((r) => ({ at: utcMinutes(r.at), summary: r.summary ?? r.reason ?? "rolled back" }));
  const whatWasBroken = str(incident.data.whatWasBroken);
  const rootCause = str(incident.data.rootCause);
  const impactNote = str(incident.data.impact);
  const fixed = m.deployed ?? m.verified;
  const duration = m.verified
    ? dur(incident.discoveredAt, m.verified)
    : `${dur(incident.discoveredAt, now.toISOString())} so far (not verified in production yet)`;
  const due = reviewDueAt(incident, events);

  const summaryLines = [
    `${incident.ticket} (${incident.priority}, ${incidentLevelKind(incident)}): ${incident.title}.`,
    ...(whatWasBroken ? [`What was broken: ${whatWasBroken}.`] : []),
    ...(rootCause ? [`Root cause: ${rootCause}.`] : []),
    `Discovered ${utcMinutes(incident.discoveredAt)}` +
      (fixed ? `, fixed in production ${utcMinutes(fixed)}` : "") +
      (m.verified ? `, verified ${utcMinutes(m.verified)} (${dur(incident.discoveredAt, m.verified)} in all)` : "") +
      ".",
    deadline.state === "met" || deadline.state === "missed"
      ? `The deadline of ${level.respondWithin} (${utcMinutes(incident.deadlineAt)}) was ${deadline.text}.`
      : `The deadline of ${level.respondWithin} (${utcMinutes(incident.deadlineAt)}): ${deadline.text}.`,
  ];

  const impactRows: Array<{ label: string; value: string }> = [
    { label: "Users affected", value: impactDetails.users !== undefined ? impactDetails.users.toLocaleString("en-US") : "not recorded" },
    { label: "User experience", value: impactDetails.experience ?? "not recorded" },
    { label: "Revenue", value: impactDetails.revenue ?? "not recorded" },
    { label: "Support tickets", value: impactDetails.supportTickets !== undefined ? String(impactDetails.supportTickets) : "not recorded" },
    ...(impactDetails.mentions !== undefined ? [{ label: "Mentions", value: String(impactDetails.mentions) }] : []),
    { label: "Duration (discovered → verified)", value: duration },
  ];

  const commits = state.commits.map((c) => ({ short: c.sha.slice(0, 10), subject: c.subject ?? "" }));
  const followupOf = new Map(followups.items.map((f) => [f.action, f.url]));

  return {
    ticket: incident.ticket,
    title: incident.title,
    priority: incident.priority,
    level: incidentLevelKind(incident),
    status: incident.status,
    respondWithin: level.respondWithin,
    discoveredAt: utcMinutes(incident.discoveredAt),
    deadlineAt: utcMinutes(incident.deadlineAt),
    deadlineIso: incident.deadlineAt,
    ...(fixed ? { fixedAt: utcMinutes(fixed) } : {}),
    ...(m.verified ? { verifiedAt: utcMinutes(m.verified) } : {}),
    duration,
    deadline: { ...deadline, met: deadline.state === "met", missed: deadline.state === "missed" || deadline.state === "overdue" },
    ...(due ? { reviewDue: utcMinutes(due) } : {}),
    ...(review.done ? { reviewDone: utcMinutes(review.done) } : {}),
    ...(review.scheduled ? { meeting: utcMinutes(review.scheduled.at) } : {}),
    summaryLines,
    // In the order things happened: a note written later with --at takes its place in time.
    timeline: reviewEvents(events).map((e) => ({ at: utcSeconds(e.at), actor: e.actor, text: describeEvent(e) })),
    impact: { rows: impactRows, ...(impactNote ? { note: impactNote } : {}) },
    ...(rootCause ? { rootCause } : {}),
    commits,
    resolution: {
      ...(pr ? { pr } : {}),
      ...(tag ? { tag } : {}),
      deploys: deploys.map((d) => ({
        env: d.env,
        ...(d.at ? { at: utcMinutes(d.at) } : {}),
        ...(d.what ? { what: d.what } : {}),
        ...(d.url ? { url: d.url } : {}),
      })),
      ...(verification ? { verification: { ...verification, ...(verification.at ? { at: utcMinutes(verification.at) } : {}) } } : {}),
      rollbacks,
      empty: !pr && !tag && deploys.length === 0 && !verification && rollbacks.length === 0,
    },
    metrics,
    ...wentWellWrong(incident, state, m, deadline, metrics),
    actions: actions.map((a) => ({
      ...a,
      ...(a.kind ? { kindLabel: KIND_LABEL[a.kind] } : {}),
      ...(followupOf.has(a.id) ? { followup: followupOf.get(a.id) } : {}),
    })),
    prevention: PREVENTION_KINDS.map((k) => ({
      label: KIND_LABEL[k],
      items: actions.filter((a) => a.kind === k).map((a) => `${a.text} (${a.id}, ${a.owner}, due ${a.due})`),
    })),
    milestones: m,
    generatedAt: utcMinutes(now.toISOString()),
  };
}

/** The facts that pre-fill What Went Well / What Went Wrong. People edit them afterwards. */
function wentWellWrong(
  incident: Incident,
  s: IncidentState,
  m: Milestones,
  deadline: DeadlineOutcome,
  metrics: MetricFigure[],
): { wentWell: string[]; wentWrong: string[] } {
  const well: string[] = [];
  const wrong: string[] = [];
  const level = LEVELS[incident.priority];

  if (deadline.state === "met")
    well.push(`Fixed in production within the deadline of ${level.respondWithin}, ${formatDuration(deadline.marginMs)} to spare.`);
  else if (deadline.state === "missed")
    wrong.push(`The ${level.respondWithin} deadline was missed by ${formatDuration(deadline.marginMs)}.`);
  else if (deadline.state === "overdue")
    wrong.push(`The ${level.respondWithin} deadline passed ${formatDuration(deadline.marginMs)} ago with no fix in production.`);

  if (m.firstCommit) {
    const t = Date.parse(m.firstCommit) - Date.parse(incident.discoveredAt);
    const line = `First fix commit ${formatDuration(t)} after discovery.`;
    // Half the respond-within window is the point where the rest of the process gets squeezed.
    (t <= (level.respondWithinHours * 3_600_000) / 2 ? well : wrong).push(line);
  } else wrong.push("No fix commit is on the record.");

  // Each check's latest status, by name.
  const checks = new Map<string, string>();
  for (const r of s.checks.runs) if (r.name) checks.set(r.name, r.status);
  const passed = [...checks].filter(([, st]) => st === "passed").map(([n]) => n);
  const skipped = s.checks.runs
    .filter((r) => r.status === "skipped")
    .map((r) => `${r.name || "a check"}${r.reason ? ` (${r.reason})` : ""}`);
  const failedOnce = [...new Set(s.checks.runs.filter((r) => r.status === "failed" || r.status === "timed-out").map((r) => r.name || "?"))];
  if (passed.length) well.push(`Checks ran and passed: ${passed.join(", ")}.`);
  if (skipped.length) wrong.push(`Checks skipped: ${[...new Set(skipped)].join("; ")}.`);
  if (failedOnce.length) wrong.push(`Checks failed before passing: ${failedOnce.join(", ")}.`);

  const given = s.guard.overrides.filter((o) => o.source === "allow");
  if (s.guard.passed && given.length === 0) well.push("The fix stayed minimal: the scope guard passed with no overrides.");
  const overrides = given.map((o) => `${o.rule}: ${o.reason ?? "no reason"}`);
  if (overrides.length) wrong.push(`Guard overrides: ${[...new Set(overrides)].join("; ")}.`);

  const approvals = [...new Set(s.approvals.map((a) => a.by))];
  if (approvals.length) well.push(`Reviewed and approved by ${approvals.join(", ")}.`);
  for (const w of s.waivers)
    wrong.push(`${w.item === "approval" ? "Approval" : w.item} waived by ${w.by}${str(w.reason) ? `: ${str(w.reason)}` : ""}.`);

  if (m.verified) {
    const figures = metrics.map((x) => `${x.name} ${x.before} → ${x.after}${x.unit ? ` ${x.unit}` : ""}`);
    well.push(`Verified in production${figures.length ? `: ${figures.join(", ")}` : ""}.`);
  }
  if (m.regression) wrong.push(`Verification saw a regression at ${utcMinutes(m.regression)}.`);

  const rollbacks = s.rollbacks;
  if (rollbacks.length)
    wrong.push(
      `Rolled back ${rollbacks.length === 1 ? "once" : `${rollbacks.length} times`}${rollbacks.map((r) => (r.reason ? ` (${r.reason})` : "")).join("")}.`,
    );
  else if (m.verified) well.push("No rollback was needed: the fix was verified in production.");

  const sent = [...new Set(s.announcements.sent.map((a) => a.channel ?? a.summary ?? "a channel"))];
  if (sent.length) well.push(`People were told: ${sent.join(", ")}.`);
  const failed = failedChannels([], s);
  if (failed.length) wrong.push(`Channels that failed: ${failed.join(", ")}.`);
  const unconfirmed = s.journal.possiblyDone.map((j) => j.key).filter((k) => !/^(announce|notify|message)/.test(k));
  if (unconfirmed.length) wrong.push(`Steps interrupted with an unconfirmed outcome: ${[...new Set(unconfirmed)].join(", ")}.`);
  return { wentWell: well, wentWrong: wrong };
}
