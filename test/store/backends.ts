// The two real backends the store tests run against: a SQLite file in a temp folder, and
// PostgreSQL on 127.0.0.1 in a fresh random schema that is dropped afterwards.

import { mkdtempSync, rmSync } from "node:fs";
import type { EventKind } from "../../src/domain/events/index.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { OpenStoreOptions } from "../../src/store/open-store.js";
import type { NewEvent, NewIncident } from "../../src/domain/types.js";

export interface BackendHandle {
  options: OpenStoreOptions;
  /** Raw SQL behind the store's back (tampering); `?` placeholders on both backends. */
  exec(text: string, params?: unknown[]): Promise<void>;
  cleanup(): Promise<void>;
}

export interface BackendFactory {
  name: "sqlite" | "postgres";
  setup(): Promise<BackendHandle>;
}

const PG_CANDIDATES = [
  process.env.FIREBREAK_TEST_PG_URL,
  "postgres://root@127.0.0.1:5432/test",
  "postgres://postgres@127.0.0.1:5432/test",
].filter((u): u is string => !!u);

let pgUrl: Promise<string> | undefined;
function findPgUrl(): Promise<string> {
  pgUrl ??= (async () => {
    const errors: string[] = [];
    for (const url of PG_CANDIDATES) {
      const c = new pg.Client({ connectionString: url });
      try {
        await c.connect();
        await c.query("select 1");
        return url;
      } catch (e) {
        errors.push(`${url}: ${(e as Error).message}`);
      } finally {
        await c.end().catch(() => undefined);
      }
    }
    throw new Error(`no PostgreSQL for tests:\n${errors.join("\n")}`);
  })();
  return pgUrl;
}

const sqliteFactory: BackendFactory = {
  name: "sqlite",
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), "firebreak-store-"));
    // A missing parent folder, so opening must create it.
    const sqlitePath = join(dir, "nested", "firebreak.db");
    return {
      options: { sqlitePath },
      async exec(text, params = []) {
        const db = new BetterSqlite3(sqlitePath);
        try {
          db.prepare(text).run(...params);
        } finally {
          db.close();
        }
      },
      async cleanup() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgresFactory: BackendFactory = {
  name: "postgres",
  async setup() {
    const url = await findPgUrl();
    const schema = `fbtest_${randomBytes(6).toString("hex")}`;
    const withClient = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return await fn(c);
      } finally {
        await c.end();
      }
    };
    return {
      options: { postgresUrl: url, schema },
      async exec(text, params = []) {
        let n = 0;
        const numbered = text.replace(/\?/g, () => `$${++n}`);
        await withClient(async (c) => {
          await c.query(`set search_path to "${schema}"`);
          await c.query(numbered, params);
        });
      },
      async cleanup() {
        await withClient((c) => c.query(`drop schema if exists "${schema}" cascade`));
      },
    };
  },
};

export const BACKENDS: readonly BackendFactory[] = [sqliteFactory, postgresFactory];

export function newIncident(over: Partial<NewIncident> = {}): NewIncident {
  return {
    ticket: "ENG-1234",
    title: "Checkout returns 500 for EU cards",
    priority: "P1",
    criteria: ["prod-broken", "revenue"],
    discoveredAt: "2025-03-04T09:15:00.000Z",
    deadlineAt: "2025-03-04T13:15:00Z",
    branch: "hotfix/ENG-1234-checkout-500",
    base: "main",
    remote: "origin",
    ...over,
  };
}

/** An event for store tests; the catalogue checks `data` when it is appended. */
export function event(kind: EventKind, data: Record<string, unknown> = {}, at = "2025-03-04T09:20:00.000Z"): NewEvent {
  return { at, actor: "Dana Lee", kind, data } as NewEvent;
}
