// A read-only door into the SQLite record for `firebreak status`, the command people and agents
// poll most. Opening the full store means loading Kysely and running the migration check in a
// write transaction; reading three tables needs neither. A clone's own record is the 'default'
// team's (migration 4), and only its rows are read. Anything unexpected (no file, a schema
// this reader does not know) returns null and the caller takes the full path instead.

import { existsSync } from "node:fs";
import type { Incident, TimelineEvent } from "../domain/types.js";
import type { IncidentFinder } from "../ports/store.js";
import { toEvent, toIncident } from "./rows.js";
import { openSqlite, type SqliteHandle } from "./sqlite-driver.js";

/** The schema version this reader was written for; a test pins it to the migrations' latest. */
export const READER_SCHEMA_VERSION = 4;

export interface SqliteReader extends IncidentFinder {
  timeline(incidentId: string): Promise<TimelineEvent[]>;
  close(): void;
}

export function openSqliteReader(path: string): SqliteReader | null {
  if (!existsSync(path)) return null;
  // The same driver as the full store, without Kysely.
  let db: SqliteHandle;
  try {
    db = openSqlite(path, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    const row = db.prepare("select max(version) as v from firebreak_migrations").get() as { v: number | null } | undefined;
    if (row?.v !== READER_SCHEMA_VERSION) {
      db.close();
      return null;
    }
  } catch {
    return null;
  }
  // The same choices as KyselyStore: newest first, ties broken by id.
  const newestWhere = (column: "ticket" | "branch", value: string): Incident | undefined => {
    const r = db
      .prepare(`select * from incidents where team = 'default' and ${column} = ? order by created_at desc, id desc limit 1`)
      .get(value);
    return r ? toIncident(r as never) : undefined;
  };
  return {
    findByTicket: async (ticket: string) => newestWhere("ticket", ticket),
    findByBranch: async (branch: string) => newestWhere("branch", branch),
    listIncidents: async ({ all }: { all: boolean }): Promise<Incident[]> =>
      (
        db
          .prepare(
            `select * from incidents where team = 'default' ${all ? "" : "and status not in ('resolved', 'abandoned')"} order by created_at desc, id desc`,
          )
          .all() as never[]
      ).map(toIncident),
    timeline: async (incidentId: string): Promise<TimelineEvent[]> =>
      (db.prepare("select * from timeline_events where team = 'default' and incident_id = ? order by seq").all(incidentId) as never[]).map(
        toEvent,
      ),
    close: () => db.close(),
  };
}
