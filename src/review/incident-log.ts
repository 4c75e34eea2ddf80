// The incident log: one row per incident, from the record, as a table, JSON or CSV.
// CSV follows RFC 4180 (quoted when needed, "" inside quotes, CRLF) and is safe to open in a
// spreadsheet: a cell that starts with = + - @ (or a tab or carriage return) is prefixed with '
// so it is read as text, never as a formula.

import type { Incident, TimelineEvent } from "../domain/types.js";
import { countBackports, countRollbacks, fixedAt, milestones } from "./record.js";
import { deadlineOutcome, reviewStatus } from "./schedule.js";
import { incidentState } from "../domain/state/state.js";

export interface LogRow {
  ticket: string;
  level: string;
  title: string;
  status: string;
  discovered: string;
  deployed: string | null;
  verified: string | null;
  deadline: string;
  deadlineResult: "met" | "missed" | "open" | "overdue";
  deadlineMargin: string;
  rollbacks: number;
  backports: number;
  review: string;
  reviewDue: string | null;
}

export function logRow(incident: Incident, events: readonly TimelineEvent[], now: Date): LogRow {
  const state = incidentState(events);
  const m = milestones(incident, events, state);
  const d = deadlineOutcome(incident, m, now);
  const r = reviewStatus(incident, events, now);
  return {
    ticket: incident.ticket,
    level: incident.priority,
    title: incident.title,
    status: incident.status,
    discovered: incident.discoveredAt,
    deployed: m.deployed ?? null,
    verified: m.verified ?? null,
    deadline: incident.deadlineAt,
    deadlineResult: d.state,
    deadlineMargin: fixedAt(m) ? d.text : "",
    rollbacks: countRollbacks(events, state),
    backports: countBackports(incident, events, state),
    review: r.status,
    reviewDue: r.due,
  };
}

export const LOG_COLUMNS: ReadonlyArray<keyof LogRow> = [
  "ticket",
  "level",
  "title",
  "status",
  "discovered",
  "deployed",
  "verified",
  "deadline",
  "deadlineResult",
  "deadlineMargin",
  "rollbacks",
  "backports",
  "review",
  "reviewDue",
];

/** One CSV cell: neutralised against formulas, then quoted when it holds a comma, quote or line break. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly LogRow[]): string {
  const lines = [LOG_COLUMNS.join(","), ...rows.map((r) => LOG_COLUMNS.map((c) => csvCell(r[c])).join(","))];
  return lines.join("\r\n") + "\r\n";
}
