// Opens the record and the server's own tables on one backend, both migrated, for `firebreak serve`
// and the token and audit commands. The store it gives is a team's view (the 'default' team's, with
// forTeam for the others): the server never holds the unscoped store, which sees every team.

import type { Clock, Store } from "../ports.js";
import { isFirebreakError } from "../errors.js";
import type { Backend } from "./backend.js";
import { KyselyStore } from "./kysely-store.js";
import { migrate } from "./migrations.js";
import { ServerRecords } from "./server-records.js";
import { DEFAULT_TEAM } from "./schema.js";

export type ServerStoreOptions = ({ sqlitePath: string } | { postgresUrl: string; schema?: string }) & { clock?: Clock };

export interface ServerStore {
  /** The 'default' team's view of the record; forTeam gives another team's. */
  store: Store & { forTeam(team: string): Store };
  records: ServerRecords;
  kind: Backend["kind"];
  /** Calls onWake when another replica wrote an event (PostgreSQL LISTEN); a no-op on SQLite. */
  listen(onWake: () => void, onError: (e: Error) => void): Promise<{ close(): Promise<void> }>;
  close(): Promise<void>;
}

export async function openServerStore(opts: ServerStoreOptions): Promise<ServerStore> {
  const clock = opts.clock ?? { now: () => new Date() };
  const backend: Backend =
    "sqlitePath" in opts
      ? (await import("./sqlite.js")).openSqliteBackend(opts.sqlitePath)
      : (await import("./postgres.js")).openPostgresBackend(opts.postgresUrl, opts.schema);
  const records = new ServerRecords(backend, () => clock.now());
  try {
    await migrate(backend, () => clock.now());
    await records.migrate();
  } catch (e) {
    await backend.db.destroy().catch(() => undefined);
    if (isFirebreakError(e) || "sqlitePath" in opts) throw e;
    throw (await import("./postgres.js")).describePostgresError(opts.postgresUrl, e);
  }
  const root = new KyselyStore(backend, clock);
  const store = root.forTeam(DEFAULT_TEAM);
  const listen: ServerStore["listen"] = async (onWake, onError) => {
    if ("sqlitePath" in opts) return { close: async () => undefined };
    return (await import("./pg-listen.js")).pgListen(opts.postgresUrl, () => onWake(), onError);
  };
  return { store, records, kind: backend.kind, listen, close: () => root.close() };
}
