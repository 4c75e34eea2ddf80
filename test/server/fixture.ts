// The team server's test fixture: real storage (a SQLite file in a temp folder, or a fresh
// PostgreSQL database on 127.0.0.1 created for the test file and dropped after), incidents
// written through the store as the CLI writes them, tokens issued as an operator issues them, and
// a validator of responses against the server's own /openapi.json.

import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { Ajv2020 } from "ajv/dist/2020.js";
import { event } from "../../src/domain/events/index.js";
import type { Incident, Priority } from "../../src/domain/types.js";
import { openServerStore, type ServerStore } from "../../src/store/open-server-store.js";
import { issueToken } from "../../src/server/tokens.js";
import type { Role, TokenKind } from "../../src/store/server-records.js";

export const PG_ADMIN_URL = process.env.FIREBREAK_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A database of its own for one test file; drop() removes it (forcing out any leftover session). */
export async function freshPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `fbsrv_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface Storage {
  kind: "sqlite" | "postgres";
  storage: ServerStore;
  /** Raw rows behind the server's back. */
  rows(table: string): Promise<Record<string, unknown>[]>;
  env: Record<string, string>;
  sqlitePath: string;
  cleanup(): Promise<void>;
}

export async function openStorage(kind: "sqlite" | "postgres"): Promise<Storage> {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-server-"));
  const sqlitePath = join(dir, "server.db");
  if (kind === "sqlite") {
    const storage = await openServerStore({ sqlitePath });
    return {
      kind,
      storage,
      sqlitePath,
      env: {},
      async rows(table) {
        const { default: Sqlite } = await import("better-sqlite3");
        const db = new Sqlite(sqlitePath, { readonly: true });
        try {
          return db.prepare(`select * from ${table}`).all() as Record<string, unknown>[];
        } finally {
          db.close();
        }
      },
      async cleanup() {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const db = await freshPgDatabase();
  const storage = await openServerStore({ postgresUrl: db.url });
  return {
    kind,
    storage,
    sqlitePath,
    env: { FIREBREAK_DATABASE_URL: db.url },
    async rows(table) {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        return (await c.query(`select * from ${table}`)).rows;
      } finally {
        await c.end();
      }
    },
    async cleanup() {
      await storage.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let n = 0;
export async function seedIncident(
  s: ServerStore,
  opts: { priority?: Priority; criteria?: string[]; pr?: boolean; committedBy?: string } = {},
): Promise<Incident> {
  const ticket = `ENG-${1000 + ++n}`;
  const priority = opts.priority ?? "P1";
  const criteria = opts.criteria ?? ["production-unavailable"];
  const at = new Date().toISOString();
  let incident = await s.store.createIncident(
    {
      ticket,
      title: `incident ${ticket}`,
      priority,
      criteria,
      discoveredAt: at,
      deadlineAt: at,
      branch: `hotfix/${ticket}`,
      base: "main",
      remote: "origin",
    },
    { at, actor: "tester", ...event("incident.started", { priority, criteria, summary: "started" }) },
  );
  if (opts.committedBy)
    await s.store.appendEvent(incident.id, {
      at,
      actor: opts.committedBy,
      ...event("commit.created", { sha: "a".repeat(40), subject: "fix: check expiry", summary: "fix committed" }),
    });
  if (opts.pr)
    incident = await s.store.updateIncident(incident.id, {
      status: "pr-open",
      data: { pr: { number: 1, url: "git:hotfix", forge: "git" } },
    });
  return incident;
}

export async function token(
  s: ServerStore,
  name: string,
  role: Role,
  more: { kind?: TokenKind; expiresAt?: string; incidentScope?: string } = {},
) {
  return (await issueToken(s.records, { name, role, ...more }, "tests", new Date())).secret;
}

/** Validates a response body against the route's response schema in the server's own OpenAPI document. */
export function openApiValidator(doc: any) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: "api", components: doc.components });
  return (path: string, method: string, status: number, body: unknown): void => {
    const op = doc.paths?.[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${path} is not in /openapi.json`);
    const schema = op.responses?.[String(status)]?.content?.["application/json"]?.schema;
    if (!schema) throw new Error(`${method} ${path} ${status} has no response schema in /openapi.json`);
    const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"api#/components/')));
    if (!validate(body)) throw new Error(`${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
  };
}
