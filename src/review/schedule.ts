// When the post-incident review is due, and whether the deadline was met: pure rules on the
// record, shared by `firebreak review`, `firebreak incidents` and `status`.

import type { Incident, TimelineEvent } from "../domain/types.js";
import { formatDuration, timeLeft } from "../domain/deadline.js";
import { LEVELS } from "../domain/levels.js";
import { fixedAt, milestones, type Milestones } from "./record.js";
import { readReviewState } from "./types.js";
import { incidentState } from "../domain/state/state.js";

const HOUR_MS = 3_600_000;

/** When the review clock starts: the fix verified in production (the same rule as status's notice). */
export const resolvedAt = (m: Milestones): string | undefined => m.verified;

/** The review's due time for levels that need one (P0/P1: 72 h after resolution), or null. */
export function reviewDueAt(incident: Incident, events: readonly TimelineEvent[]): string | null {
  const hours = LEVELS[incident.priority].reviewDueHours;
  const stored = readReviewState(incident).due;
  if (hours === null) return null;
  if (stored) return stored;
  const at = resolvedAt(milestones(incident, events));
  return at ? new Date(Date.parse(at) + hours * HOUR_MS).toISOString() : null;
}

export interface DeadlineOutcome {
  state: "met" | "missed" | "open" | "overdue";
  /** Time to spare (met) or late by (missed, overdue), in ms. */
  marginMs: number;
  text: string;
}

export function deadlineOutcome(incident: Incident, m: Milestones, now: Date): DeadlineOutcome {
  const deadline = Date.parse(incident.deadlineAt);
  const fixed = fixedAt(m);
  if (fixed) {
    const margin = deadline - Date.parse(fixed);
    return margin >= 0
      ? { state: "met", marginMs: margin, text: `met with ${formatDuration(margin)} to spare` }
      : { state: "missed", marginMs: -margin, text: `missed by ${formatDuration(margin)}` };
  }
  const left = timeLeft(new Date(deadline), now);
  return left.overdue
    ? { state: "overdue", marginMs: -left.ms, text: `not fixed in production yet, ${left.text}` }
    : { state: "open", marginMs: left.ms, text: `not fixed in production yet, ${left.text}` };
}

export type ReviewStatus = "not-needed" | "done" | "scheduled" | "written" | "due" | "overdue" | "pending";

/** One word for the incident log and status: where the review stands. */
export function reviewStatus(
  incident: Incident,
  events: readonly TimelineEvent[],
  now: Date,
): { status: ReviewStatus; due: string | null; text: string } {
  const r = readReviewState(incident);
  const due = reviewDueAt(incident, events);
  const doneEv = incidentState(events).review.done !== null;
  if (r.done || doneEv) return { status: "done", due, text: "done" };
  const required = LEVELS[incident.priority].reviewRequired;
  if (!required && !r.path) return { status: "not-needed", due: null, text: "not needed" };
  const overdue = due !== null && Date.parse(due) < now.getTime();
  if (overdue) return { status: "overdue", due, text: `overdue since ${due.slice(0, 16).replace("T", " ")} UTC` };
  if (r.scheduled) return { status: "scheduled", due, text: `scheduled ${r.scheduled.at.slice(0, 16).replace("T", " ")} UTC` };
  if (r.path) return { status: "written", due, text: due ? `written, due ${due.slice(0, 16).replace("T", " ")} UTC` : "written" };
  if (due) return { status: "due", due, text: `due ${due.slice(0, 16).replace("T", " ")} UTC` };
  return { status: "pending", due: null, text: `due ${LEVELS[incident.priority].reviewDueHours} h after the fix is verified` };
}

/**
 * The line `firebreak status` shows until the review is marked done, or null when there is
 * nothing to show (not required at this level, or done).
 *   "Review due 2026-11-30 15:00 UTC (2d 3h left): firebreak review --write, then firebreak review --done"
 */
export function reviewStatusLine(incident: Incident, events: readonly TimelineEvent[], now: Date): string | null {
  if (!LEVELS[incident.priority].reviewRequired) return null;
  const s = reviewStatus(incident, events, now);
  if (s.status === "done" || s.status === "not-needed") return null;
  const what =
    s.status === "written" || s.status === "scheduled"
      ? "firebreak review --done   # when the meeting is held"
      : "firebreak review --write";
  if (!s.due) return `Review due ${LEVELS[incident.priority].reviewDueHours} h after the fix is verified: ${what}`;
  const left = timeLeft(new Date(s.due), now);
  const sched = readReviewState(incident).scheduled;
  return `Review due ${s.due.slice(0, 16).replace("T", " ")} UTC (${left.text})${sched ? `, meeting ${sched.at.slice(0, 16).replace("T", " ")} UTC` : ""}: ${what}`;
}
