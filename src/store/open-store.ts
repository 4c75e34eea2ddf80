// Opens the configured store and brings its schema up to date before anything reads it.

import type { Clock, Store } from "../ports.js";
import { isFirebreakError } from "../errors.js";
import type { Backend } from "./backend.js";
import { KyselyStore } from "./kysely-store.js";
import { migrate } from "./migrations.js";
import { describePostgresError, openPostgresBackend } from "./postgres.js";
import { openSqliteBackend } from "./sqlite.js";

export type OpenStoreOptions = ({ sqlitePath: string } | { postgresUrl: string; schema?: string }) & {
  /** Source of createdAt, updatedAt, recordedAt and effect times; the system clock by default. */
  clock?: Clock;
};

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const clock = opts.clock ?? { now: () => new Date() };
  const backend: Backend =
    "sqlitePath" in opts ? openSqliteBackend(opts.sqlitePath) : openPostgresBackend(opts.postgresUrl, opts.schema);
  try {
    await migrate(backend, () => clock.now());
  } catch (e) {
    await backend.db.destroy().catch(() => undefined);
    if (isFirebreakError(e) || "sqlitePath" in opts) throw e;
    throw describePostgresError(opts.postgresUrl, e);
  }
  return new KyselyStore(backend, clock);
}
