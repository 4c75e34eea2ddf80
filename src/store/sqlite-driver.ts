// Opens a SQLite file with better-sqlite3, or, when its native binary was built for another Node
// (node_modules installed under Node 20, Firebreak run under 22 or 24: "NODE_MODULE_VERSION 115 …
// requires 127"), with Node's own node:sqlite behind the few better-sqlite3 calls Firebreak and
// Kysely's SqliteDialect make. So a Node upgrade never leaves the record unreadable until someone
// thinks of `npm rebuild`.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
// better-sqlite3's JavaScript is bundled into dist/ (a dozen small files node would otherwise find,
// read and compile one by one on every run); its native binary stays in node_modules, loaded below.
import BetterSqlite3 from "better-sqlite3";

const require = createRequire(import.meta.url);

/** The part of better-sqlite3's Database that Firebreak and Kysely use. */
export interface SqliteHandle {
  prepare(sql: string): {
    reader: boolean;
    all(...params: unknown[]): unknown[];
    get(...params: unknown[]): unknown;
    run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
    iterate(...params: unknown[]): IterableIterator<unknown>;
  };
  pragma(source: string): unknown;
  close(): void;
}

const wrongAbi = (e: unknown) =>
  /NODE_MODULE_VERSION|ERR_DLOPEN_FAILED|was compiled against a different Node/.test(
    `${(e as Error)?.message} ${(e as { code?: string })?.code}`,
  );

/**
 * better-sqlite3's native binary, loaded straight from where its install puts it. Its own lookup
 * (the `bindings` package) tries a dozen paths and reads stack traces first, which costs
 * `firebreak status` about 10 ms; when the binary is elsewhere, null hands the job back to it.
 */
function nativeBinding(): object | null {
  let file: string;
  try {
    file = join(dirname(require.resolve("better-sqlite3/package.json")), "build", "Release", "better_sqlite3.node");
  } catch {
    return null;
  }
  return existsSync(file) ? (require(file) as object) : null;
}

export function openSqlite(file: string, opts: { readonly?: boolean; fileMustExist?: boolean } = {}): SqliteHandle {
  try {
    const addon = nativeBinding();
    // Without the binary at its usual place, the installed package finds it its own way.
    const Better = addon ? BetterSqlite3 : (require("better-sqlite3") as typeof BetterSqlite3);
    // nativeBinding takes the loaded addon object too (better-sqlite3 ≥ 8; the typings say string only).
    return new Better(file, addon ? { ...opts, nativeBinding: addon as unknown as string } : opts) as unknown as SqliteHandle;
  } catch (e) {
    if (!wrongAbi(e)) throw e;
    const builtIn = loadNodeSqlite();
    if (!builtIn) throw e;
    return fromNodeSqlite(new builtIn.DatabaseSync(file, { readOnly: opts.readonly ?? false }));
  }
}

interface NodeStatement {
  all(...p: unknown[]): unknown[];
  get(...p: unknown[]): unknown;
  run(...p: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...p: unknown[]): IterableIterator<unknown>;
  columns?(): unknown[];
}
interface NodeDatabase {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  close(): void;
}

function loadNodeSqlite(): { DatabaseSync: new (file: string, o: { readOnly: boolean }) => NodeDatabase } | null {
  // Node 24 warns that node:sqlite is experimental on every run; the record's format is SQLite's
  // own either way, so the warning would only alarm the person reading the output.
  const emit = process.emitWarning;
  process.emitWarning = ((w: string | Error, ...rest: unknown[]) => {
    if (String(typeof w === "string" ? w : w.message).includes("SQLite is an experimental")) return;
    (emit as (...a: unknown[]) => void).call(process, w, ...rest);
  }) as typeof process.emitWarning;
  try {
    return require("node:sqlite");
  } catch {
    return null;
  } finally {
    process.emitWarning = emit;
  }
}

// better-sqlite3 takes an array of parameters where Kysely passes one (stmt.all(parameters)).
const spread = (params: unknown[]): unknown[] => (params.length === 1 && Array.isArray(params[0]) ? params[0] : params);

function fromNodeSqlite(db: NodeDatabase): SqliteHandle {
  return {
    prepare(sql) {
      const s = db.prepare(sql);
      // better-sqlite3's `reader`: the statement returns rows (a select, or anything with RETURNING).
      const reader = s.columns ? s.columns().length > 0 : /^\s*(select|with|pragma|values)\b|\breturning\b/i.test(sql);
      return {
        reader,
        all: (...p) => s.all(...spread(p)),
        get: (...p) => s.get(...spread(p)),
        run: (...p) => s.run(...spread(p)),
        iterate: (...p) => s.iterate(...spread(p)),
      };
    },
    pragma(source) {
      const rows = db.prepare(`pragma ${source}`).all();
      return rows;
    },
    close: () => db.close(),
  };
}
