// The PostgreSQL backend: a small pool whose connections all use one schema (search_path), so a
// team, or a test, can keep its incidents in a schema of its own.

import pg from "pg";
import { CompiledQuery, Kysely, PostgresDialect, sql } from "kysely";
import { FirebreakError } from "../errors.js";
import { shq } from "../render/shell-quote.js";
import type { Backend } from "./backend.js";
import type { Database } from "./schema.js";

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function openPostgresBackend(url: string, schema = "public"): Backend {
  if (!SCHEMA_NAME.test(schema)) {
    throw new FirebreakError({
      code: "STORE_BAD_SCHEMA",
      message: `"${schema}" is not a usable PostgreSQL schema name: letters, digits and _ only, not starting with a digit.`,
    });
  }
  const pool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 10_000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const quoted = `"${schema}"`;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: async (conn) => {
        await conn.executeQuery(CompiledQuery.raw(`set search_path to ${quoted}`));
      },
    }),
  });
  return {
    kind: "postgres",
    db,
    beginWrite: "begin",
    jsonType: "jsonb",
    rowLocks: true,
    async lockMigrations(trx) {
      // Transaction-scoped: released by commit or rollback, even if this process dies.
      await sql`select pg_advisory_xact_lock(hashtext('firebreak.migrate'), hashtext(${schema}))`.execute(trx);
      // Checked first so a role without CREATE on the database can still use an existing schema.
      const found = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(trx);
      if (found.rows.length === 0) await sql`create schema ${sql.id(schema)}`.execute(trx);
    },
  };
}

/**
 * Why the database cannot be used, naming where it is (host, port, database: never the password)
 * and the next step for the kind of refusal. The URL only ever comes from FIREBREAK_DATABASE_URL.
 */
export function describePostgresError(url: string, e: unknown): FirebreakError {
  let where = "the PostgreSQL server";
  let host = "";
  let port = "5432";
  let database = "";
  try {
    const u = new URL(url);
    // A Unix socket is named by ?host=/path; without either, libpq's default socket.
    host = u.hostname.replace(/^\[|\]$/g, "") || u.searchParams.get("host") || "";
    port = u.port || u.searchParams.get("port") || "5432";
    database = decodeURIComponent(u.pathname.slice(1));
    where = `${u.hostname || host || "localhost"}:${port}${u.pathname}`; // never the password
  } catch {
    /* keep the vague name */
  }
  const isReady = `pg_isready${host ? ` -h ${shq(host)}` : ""} -p ${shq(port)}`;
  const code = (e as { code?: string }).code;
  const next =
    code === "28P01" || code === "28000"
      ? "check the user name and password in FIREBREAK_DATABASE_URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)"
      : code === "3D000" && database
        ? `createdb${host ? ` -h ${shq(host)}` : ""} -p ${shq(port)} ${shq(database)}   # or fix the database name in FIREBREAK_DATABASE_URL`
        : `${isReady}   # is PostgreSQL running there? If it is, check the host and port in FIREBREAK_DATABASE_URL`;
  return new FirebreakError(
    {
      code: "STORE_UNAVAILABLE",
      message: `Cannot use the PostgreSQL database at ${where} (FIREBREAK_DATABASE_URL): ${(e as Error).message}`,
      next,
    },
    { cause: e },
  );
}
