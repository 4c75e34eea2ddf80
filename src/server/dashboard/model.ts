// What the dashboard shows, read from the record: the state in people's words, the response clock,
// each checklist item's evidence (who, when, which commit), the curated timeline and the plans
// waiting for a person. Read-only; every rule it shows is the domain's.

import { evaluateChecklist, type EvaluatedItem } from "../../domain/checklist.js";
import { formatDuration } from "../../domain/deadline.js";
import { incidentState, type IncidentState } from "../../domain/state/state.js";
import type { Incident, TimelineEvent } from "../../domain/types.js";
import { reviewEvents } from "../../review/curate.js";
export { pendingPlans, type PendingPlan } from "../../workflow/plans.js";

export const STATES = ["fixing", "in review", "shipping", "verifying", "verified", "rolled back", "resolved", "abandoned"] as const;
export type StateLabel = (typeof STATES)[number];

/** The incident's state in the words the team uses. */
export function stateLabel(incident: Incident, state?: IncidentState): StateLabel {
  switch (incident.status) {
    case "open":
      return "fixing";
    case "pr-open":
      return state && state.merged !== null ? "shipping" : "in review";
    case "shipped":
      return "verifying";
    case "verified":
      return "verified";
    case "rolled-back":
      return "rolled back";
    case "resolved":
      return "resolved";
    default:
      return "abandoned";
  }
}

export const isClosed = (i: Incident) => i.status === "resolved" || i.status === "abandoned";

export interface ClockView {
  text: string;
  /** ok, amber (a quarter of the time or less left), red (overdue), done (closed). */
  tone: "ok" | "amber" | "red" | "done";
}

/** The response clock: time left to the deadline, amber at 25% left, red when overdue. */
export function clock(incident: Incident, now: Date): ClockView {
  if (isClosed(incident)) return { text: incident.status, tone: "done" };
  const start = Date.parse(incident.discoveredAt);
  const end = Date.parse(incident.deadlineAt);
  const left = end - now.getTime();
  if (left < 0) return { text: `overdue by ${formatDuration(left)}`, tone: "red" };
  const total = Math.max(end - start, 1);
  return { text: `${formatDuration(left)} left`, tone: left <= total / 4 ? "amber" : "ok" };
}

/** The events that show a checklist item happened (or was waived), newest last. */
const EVIDENCE: Record<string, RegExp> = {
  triage: /^incident\.started$/,
  branch: /^branch\.created$/,
  reproduced: /^confirm\.reproduced$/,
  "fix-committed": /^commit\.created$/,
  guard: /^guard\.(passed|allowed)$/,
  checks: /^(checks\.passed|check\.passed)$/,
  "confirmed-fixed": /^confirm\.fixed$/,
  "happy-path": /^confirm\.happy-path$/,
  "edge-cases": /^confirm\.edge-cases$/,
  "no-regressions": /^confirm\.no-regressions$/,
  pr: /^pr\.opened$/,
  approval: /^(review\.approved|approval\.waived)$/,
  "ci-green": /^ci\.green$/,
  "staging-deployed": /^(deploy\.staging\.done|confirm\.staging-verified)$/,
  "staging-verified": /^(verify\.staging\.verified|confirm\.staging-verified)$/,
  monitoring: /^(monitoring\.configured|confirm\.monitoring)$/,
  "oncall-notified": /^(confirm\.oncall-notified|announce\.sent)$/,
  merged: /^release\.merged$/,
  tagged: /^(release\.tagged|tag\.created)$/,
  "production-deployed": /^deploy\.production\.done$/,
  verified: /^verify\.production\.verified$/,
  announced: /^announce\.resolved$/,
  backported: /^backport\.done$/,
  review: /^review\.done$/,
  followups: /^followups?\.opened$/,
};

export interface Evidence {
  actor: string;
  at: string;
  sha?: string;
  summary?: string;
}

export interface ChecklistRow extends EvaluatedItem {
  evidence: Evidence | null;
}

export function checklist(
  incident: Incident,
  events: readonly TimelineEvent[],
  state: IncidentState = incidentState(events),
): ChecklistRow[] {
  return evaluateChecklist(incident.priority, state).map((row) => {
    const pattern = EVIDENCE[row.item.id];
    const e =
      row.state === "done" || row.state === "waived" ? pattern && [...events].reverse().find((x) => pattern.test(x.kind)) : undefined;
    const sha = e && typeof e.data.sha === "string" ? e.data.sha : undefined;
    const summary = e && typeof e.data.reason === "string" ? `reason: ${e.data.reason}` : undefined;
    return { ...row, evidence: e ? { actor: e.actor, at: e.at, ...(sha ? { sha } : {}), ...(summary ? { summary } : {}) } : null };
  });
}

/** Timeline filters: what kinds each one keeps. */
export const TIMELINE_FILTERS = {
  all: () => true,
  notes: (k: string) => k === "note" || k.startsWith("impact."),
  decisions: (k: string) => /^(review\.approved|approval\.waived|watch\.waived|confirm\.|plan\.)/.test(k),
  ship: (k: string) => /^(release\.|deploy\.|rollback\.|verify\.|tag\.|effect\.)/.test(k),
} as const;
export type TimelineFilter = keyof typeof TIMELINE_FILTERS;

export interface TimelineRow {
  event: TimelineEvent;
  /** Written later than it happened by more than a minute (a note given --at). */
  backdated: boolean;
}

/** The timeline for people: the effect journal's internals hidden (the review's curation), newest first. */
export function timeline(events: readonly TimelineEvent[], filter: TimelineFilter): TimelineRow[] {
  const keep = TIMELINE_FILTERS[filter];
  return reviewEvents(events)
    .filter((e) => keep(e.kind))
    .map((event) => ({ event, backdated: Date.parse(event.recordedAt) - Date.parse(event.at) > 60_000 }))
    .reverse();
}
