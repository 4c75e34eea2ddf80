// The SQLite backend: one file, one connection per process. WAL lets readers run beside the
// writer; synchronous=FULL makes a committed event survive power loss; busy_timeout makes a second
// process wait for the write lock instead of failing at once.

import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Kysely, SqliteDialect, type SqliteDatabase } from "kysely";
import { FirebreakError } from "../errors.js";
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
  // A file of 0 bytes is what a crash, a full disk or a bad copy leaves: the record it held is gone,
  // and opening it would silently start an empty one. Only a file that does not exist yet is new.
  if (existsSync(file) && statSync(file).size === 0) throw storeDamaged(file, "it is empty (0 bytes), so the record it held is missing");
  // A read-only checkout (a mounted snapshot, another user's repository) still answers status, list
  // and log: the record is opened read-only and only a write is refused.
  const readOnly = existsSync(file) && !(canWrite(file) && canWrite(dirname(file)));
  const isNew = !existsSync(file);
  try {
    if (!readOnly) mkdirSync(dirname(file), { recursive: true });
    raw = readOnly ? openCopy(file) : openSqlite(file);
    // A new record is its owner's alone: it holds private incidents, approvals and who said what.
    // (An existing file keeps the mode its owner gave it.)
    if (isNew) chmodSync(file, 0o600);
  } catch (e) {
    throw new FirebreakError(
      {
        code: "STORE_UNAVAILABLE",
        message: `Cannot open the SQLite database ${file}: ${(e as Error).message}`,
        next: `check that you may write ${dirname(file)}, or keep the record elsewhere: firebreak --db FILE … (or FIREBREAK_DB=FILE)`,
      },
      { cause: e },
    );
  }
  try {
    // busy_timeout first: switching to WAL needs a lock another process may be holding.
    raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    if (!readOnly) {
      raw.pragma("journal_mode = WAL");
      raw.pragma("synchronous = FULL");
      raw.pragma("foreign_keys = ON");
    }
    raw.prepare("select count(*) from sqlite_master").get();
  } catch (e) {
    raw.close();
    const code = (e as { code?: string }).code ?? "";
    if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) throw storeDamaged(file, (e as Error).message);
    throw e;
  }
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
    readOnly,
  };
}

/**
 * A read-only record is read from a private copy: SQLite cannot open a WAL database read-only when
 * its shared-memory file cannot be created beside it. The copy refuses writes (query_only) and is
 * removed when the process exits.
 */
function openCopy(file: string): SqliteHandle {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-read-only-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const copy = join(dir, "firebreak.db");
  copyFileSync(file, copy);
  if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
  const db = openSqlite(copy);
  db.pragma("query_only = ON");
  return db;
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A database file that is not a readable record: said with its path and how to get the record back. */
export function storeDamaged(file: string, reason: string): FirebreakError {
  return new FirebreakError({
    code: "STORE_DAMAGED",
    message: `The record ${file} cannot be read: ${reason}.`,
    next: `restore it from a backup (cp <backup> ${file}); or keep it as evidence and start an empty record: mv ${file} ${file}.damaged`,
  });
}
