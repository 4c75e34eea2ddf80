// The SQLite backend: one file, one connection per process. WAL lets readers run beside the
// writer; synchronous=FULL makes a committed event survive power loss; busy_timeout makes a second
// process wait for the write lock instead of failing at once.

import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { FirebreakError, EXIT } from "../errors.js";
import type { Backend } from "./backend.js";
import type { Database } from "./schema.js";

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
  let raw: BetterSqlite3.Database;
  // A file of 0 bytes is what a crash, a full disk or a bad copy leaves: the record it held is gone,
  // and opening it would silently start an empty one. Only a file that does not exist yet is new.
  if (existsSync(file) && statSync(file).size === 0) throw storeDamaged(file, "it is empty (0 bytes), so the record it held is missing");
  try {
    mkdirSync(dirname(file), { recursive: true });
    raw = new BetterSqlite3(file);
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
  try {
    // busy_timeout first: switching to WAL needs a lock another process may be holding.
    raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = FULL");
    raw.pragma("foreign_keys = ON");
    raw.prepare("select count(*) from sqlite_master").get();
  } catch (e) {
    raw.close();
    const code = (e as { code?: string }).code ?? "";
    if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) throw storeDamaged(file, (e as Error).message);
    throw e;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
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

/** A database file that is not a readable record: said with its path and how to get the record back. */
export function storeDamaged(file: string, reason: string): FirebreakError {
  return new FirebreakError({
    code: "STORE_DAMAGED",
    message: `The record ${file} cannot be read: ${reason}.`,
    why: "Every incident, its timeline and its effect journal live in this file; Firebreak never overwrites or silently replaces a damaged record.",
    next: `restore it from a backup (cp <backup> ${file}); or keep it as evidence and start an empty record: mv ${file} ${file}.damaged`,
    exit: EXIT.integrity,
  });
}
