// What differs between SQLite and PostgreSQL, kept to a handful of fields so every query lives in
// one shared code path (kysely-store.ts, migrations.ts).

import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";

export interface Backend {
  kind: "sqlite" | "postgres";
  db: Kysely<Database>;
  /** Starts a write transaction that holds the write lock from its first statement. */
  beginWrite: string;
  /** Column type for JSON documents. */
  jsonType: "jsonb" | "text";
  /** Whether `select … for update` exists (SQLite locks the whole file at begin immediate instead). */
  rowLocks: boolean;
  /** Serializes migrations between processes; called first inside the migration transaction. */
  lockMigrations(trx: Kysely<Database>): Promise<void>;
  /** Queues this process's write transactions when the engine would otherwise block the thread. */
  serializeWrites?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Opened read-only (the file or its folder cannot be written here): reads work, writes are refused. */
  readOnly?: boolean;
}

/**
 * Runs fn on one connection inside a write transaction. Kysely's own sqlite transaction issues a
 * plain (deferred) BEGIN, which takes the write lock only at the first write and then fails with
 * SQLITE_BUSY instead of waiting; BEGIN IMMEDIATE waits (busy_timeout) for the lock up front.
 */
export function inWriteTransaction<T>(backend: Backend, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  const run = () =>
    backend.db.connection().execute(async (conn) => {
      await sql.raw(backend.beginWrite).execute(conn);
      let result: T;
      try {
        result = await fn(conn);
      } catch (e) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw e;
      }
      try {
        await sql`commit`.execute(conn);
      } catch (e) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw e;
      }
      return result;
    });
  return backend.serializeWrites ? backend.serializeWrites(run) : run();
}
