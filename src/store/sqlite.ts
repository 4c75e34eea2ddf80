// The SQLite backend: one file, one connection per process. WAL lets readers run beside the
// writer; synchronous=FULL makes a committed event survive power loss; busy_timeout makes a second
// process wait for the write lock instead of failing at once.

import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Kysely, SqliteDialect, type SqliteDatabase } from "kysely";
import { FirebreakError, EXIT } from "../errors.js";
import type { Backend } from "./backend.js";
import type { Database } from "./schema.js";
import { openSqlite, type SqliteHandle } from "./sqlite-driver.js";

export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

// better-sqlite3 waits for a busy lock synchronously, freezing the event loop. Two handles on one
// file in the same process would then deadlock (the holder cannot reach its commit), so this
// process queues its own writers per file and leaves busy_timeout to other processes.
const writeQueues = new Map<string, Promise<unknown>>();

function queueFor(file: string) {
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const before = writeQueues.get(file) ?? Promise.resolve();
    const mine = before.then(fn, fn);
    const tail = mine.catch(() => undefined);
    writeQueues.set(file, tail);
    void tail.then(() => {
      if (writeQueues.get(file) === tail) writeQueues.delete(file);
    });
    return mine;
  };
}

export function openSqliteBackend(path: string): Backend {
  const file = resolve(path);
  let raw: SqliteHandle;
  try {
    mkdirSync(dirname(file), { recursive: true });
    raw = openSqlite(file);
  } catch (e) {
    throw new FirebreakError(
      {
        code: "STORE_UNAVAILABLE",
        message: `Cannot open the SQLite database ${file}: ${(e as Error).message}`,
        next: "check the path and its permissions, or set store.sqlite in .firebreak.yml",
        exit: EXIT.external,
      },
      { cause: e },
    );
  }
  // busy_timeout first: switching to WAL needs a lock another process may be holding.
  raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = FULL");
  raw.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw as unknown as SqliteDatabase }) });
  return {
    kind: "sqlite",
    db,
    beginWrite: "begin immediate",
    jsonType: "text",
    rowLocks: false,
    // begin immediate already holds the database's only write lock.
    lockMigrations: async () => undefined,
    serializeWrites: queueFor(file),
  };
}
