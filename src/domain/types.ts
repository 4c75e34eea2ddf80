// The record's shapes. Plain data: stored as rows, printed as JSON, passed between layers.

export const PRIORITIES = ["P0", "P1", "P2", "P3"] as const;
export type Priority = (typeof PRIORITIES)[number];

export type IncidentStatus =
  | "open" // started, fix in progress
  | "pr-open"
  | "shipped"
  | "verified"
  | "rolled-back"
  | "resolved"
  | "abandoned";

/** An emergency release. Fields filled by later steps live in `data` (pr, tag, deploys…). */
export interface Incident {
  id: string; // stable id, e.g. inc_01J…; the ticket is the human handle
  ticket: string; // ENG-1234
  title: string;
  priority: Priority;
  criteria: string[]; // triage criterion ids that decided the level
  status: IncidentStatus;
  discoveredAt: string; // ISO 8601 UTC
  deadlineAt: string; // ISO 8601 UTC: respond-within clock
  branch: string; // hotfix/ENG-1234-…
  base: string; // production branch, e.g. main
  remote: string; // origin
  createdAt: string;
  updatedAt: string;
  data: Record<string, unknown>;
}

export type NewIncident = Omit<Incident, "id" | "createdAt" | "updatedAt" | "status" | "data"> & {
  status?: IncidentStatus;
  data?: Record<string, unknown>;
};

/** One line of the append-only timeline. */
export interface TimelineEvent {
  incidentId: string;
  seq: number; // 1, 2, 3… per incident, no gaps
  at: string; // ISO 8601 UTC: when it happened (a note may be back-dated with --at)
  recordedAt: string; // ISO 8601 UTC: when it was written
  actor: string; // a person (git user.name) or "firebreak"
  kind: string; // incident.started, note, effect.intent, effect.done, check.passed…
  data: Record<string, unknown>;
  prevHash: string; // hash of seq-1 ("" for seq 1)
  hash: string;
}

/**
 * An event to append, typed by the event catalogue (src/domain/events): the kind decides the
 * shape of the data. Stored events (TimelineEvent) keep `kind: string`: a record written by an
 * older release may hold kinds no longer written.
 */
export type { NewEvent } from "./events/catalogue.js";

export type EffectState = "intent" | "done" | "possibly-done";

/** One durable side effect in the journal, keyed per incident ("git.push:hotfix/…", "pr.open"). */
export interface EffectRecord {
  incidentId: string;
  key: string;
  state: EffectState;
  intent: Record<string, unknown>;
  result: Record<string, unknown> | null;
  startedAt: string;
  finishedAt: string | null;
}
