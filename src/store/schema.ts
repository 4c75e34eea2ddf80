// Kysely table types. JSON columns are jsonb on PostgreSQL and text on SQLite, so they are written
// as JSON text on both and read back through parseJsonColumn (pg hands back parsed values).
// Timestamps are text on both backends: ISO strings stored exactly as given, never re-rendered.

import type { ColumnType } from "kysely";

/** The team of a clone's own record, and of every row written before teams existed (migration 4). */
export { DEFAULT_TEAM } from "../domain/access.js";

/** The team a row belongs to (migration 4): set on insert, defaulting to DEFAULT_TEAM. */
type TeamColumn = ColumnType<string, string | undefined, string>;

/** Written as JSON text; read back as a string (SQLite) or an already-parsed value (pg jsonb). */
export type JsonColumn = ColumnType<unknown, string, string>;
export type NullableJsonColumn = ColumnType<unknown, string | null, string | null>;

export interface IncidentsTable {
  id: string;
  team: TeamColumn;
  ticket: string;
  title: string;
  priority: string;
  criteria: JsonColumn;
  status: string;
  discovered_at: string;
  deadline_at: string;
  branch: string;
  base: string;
  remote: string;
  created_at: string;
  updated_at: string;
  data: JsonColumn;
  /** seq and hash of the newest timeline event (migration 2): a cut-off tail no longer matches. */
  head_seq: ColumnType<number, number | undefined, number>;
  head_hash: ColumnType<string, string | undefined, string>;
}

export interface TimelineEventsTable {
  incident_id: string;
  team: TeamColumn;
  seq: number;
  at: string;
  recorded_at: string;
  actor: string;
  kind: string;
  data: JsonColumn;
  prev_hash: string;
  hash: string;
}

export interface EffectsTable {
  incident_id: string;
  team: TeamColumn;
  key: string;
  state: string;
  intent: JsonColumn;
  result: NullableJsonColumn;
  started_at: string;
  finished_at: string | null;
}

/** A lock held in the store (migration 3); the row stays when released so `token` keeps growing. */
export interface LeasesTable {
  /** With name, the key (migration 4): two teams' "incident-ENG-1" are two locks. */
  team: TeamColumn;
  name: string;
  holder: string | null;
  token: ColumnType<number, number, number>;
  actor: string | null;
  command: string | null;
  ticket: string | null;
  host: string | null;
  pid: number | null;
  since: string | null;
  expires_at: string | null;
  deploy: string | null;
}

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface Database {
  incidents: IncidentsTable;
  timeline_events: TimelineEventsTable;
  effects: EffectsTable;
  leases: LeasesTable;
  firebreak_migrations: MigrationsTable;
}

export function parseJsonColumn(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}
