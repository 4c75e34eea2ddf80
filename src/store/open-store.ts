// Opens the configured store and brings its schema up to date before anything reads it.

import type { Clock, Store } from "../ports.js";
import { isFirebreakError } from "../errors.js";
import type { Backend } from "./backend.js";
import { KyselyStore } from "./kysely-store.js";
import { migrate } from "./migrations.js";
import { resolve } from "node:path";

export type OpenStoreOptions = ({ sqlitePath: string } | { postgresUrl: string; schema?: string }) & {
  /** Source of createdAt, updatedAt, recordedAt and effect times; the system clock by default. */
  clock?: Clock;
};

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const clock = opts.clock ?? { now: () => new Date() };
  // Each driver is loaded only when used: a SQLite user never pays for pg, and the reverse.
  const backend: Backend =
    "sqlitePath" in opts
      ? (await import("./sqlite.js")).openSqliteBackend(opts.sqlitePath)
      : (await import("./postgres.js")).openPostgresBackend(opts.postgresUrl, opts.schema);
  try {
    // A read-only record is read as it is: bringing its schema up to date would be a write.
    if (!backend.readOnly) await migrate(backend, () => clock.now());
  } catch (e) {
    await backend.db.destroy().catch(() => undefined);
    if (isFirebreakError(e)) throw e;
    if ("sqlitePath" in opts) {
      const code = (e as { code?: string }).code ?? "";
      if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT"))
        throw (await import("./sqlite.js")).storeDamaged(resolve(opts.sqlitePath), (e as Error).message);
      throw e;
    }
    throw (await import("./postgres.js")).describePostgresError(opts.postgresUrl, e);
  }
  return new KyselyStore(backend, clock);
}
