// Versioned schema migrations, run at every open. Each runs once: the applied versions are kept in
// firebreak_migrations, and the whole run happens in one write transaction that another process
// opening the same database waits on (SQLite: begin immediate; PostgreSQL: an advisory lock, and
// DDL is transactional there, so a failed run leaves nothing half-made).

import { sql, type Kysely } from "kysely";
import { FirebreakError } from "../errors.js";
import { inWriteTransaction, type Backend } from "./backend.js";
import { DEFAULT_TEAM } from "./schema.js";

export interface Migration {
  version: number;
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: a migration runs against the schema as it was then, which no type describes
  up(db: Kysely<any>, backend: Backend): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "incidents, timeline, effects",
    async up(db, b) {
      const json = sql.raw(b.jsonType);
      await db.schema
        .createTable("incidents")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("ticket", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("priority", "text", (c) => c.notNull())
        .addColumn("criteria", json, (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("discovered_at", "text", (c) => c.notNull())
        .addColumn("deadline_at", "text", (c) => c.notNull())
        .addColumn("branch", "text", (c) => c.notNull())
        .addColumn("base", "text", (c) => c.notNull())
        .addColumn("remote", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("data", json, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("incidents_ticket_idx").on("incidents").columns(["ticket", "created_at"]).execute();
      await db.schema.createIndex("incidents_branch_idx").on("incidents").columns(["branch", "created_at"]).execute();
      await db.schema.createIndex("incidents_status_idx").on("incidents").columns(["status", "created_at"]).execute();

      await db.schema
        .createTable("timeline_events")
        .addColumn("incident_id", "text", (c) => c.notNull().references("incidents.id"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("recorded_at", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("data", json, (c) => c.notNull())
        .addColumn("prev_hash", "text", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("timeline_events_pk", ["incident_id", "seq"])
        .execute();

      await db.schema
        .createTable("effects")
        .addColumn("incident_id", "text", (c) => c.notNull().references("incidents.id"))
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("intent", json, (c) => c.notNull())
        .addColumn("result", json)
        .addColumn("started_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text")
        .addPrimaryKeyConstraint("effects_pk", ["incident_id", "key"])
        .execute();
    },
  },
  {
    version: 2,
    name: "timeline head on the incident",
    // The chain alone cannot see its last events cut off: each event vouches only for the ones
    // before it. The incident row keeps the seq and hash of the newest event, written in the same
    // transaction as each append, so a shortened timeline no longer matches its head.
    async up(db) {
      await db.schema
        .alterTable("incidents")
        .addColumn("head_seq", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable("incidents")
        .addColumn("head_hash", "text", (c) => c.notNull().defaultTo(""))
        .execute();
      await sql`update incidents set
        head_seq = coalesce((select max(t.seq) from timeline_events t where t.incident_id = incidents.id), 0),
        head_hash = coalesce((select t.hash from timeline_events t where t.incident_id = incidents.id order by t.seq desc limit 1), '')`.execute(
        db,
      );
    },
  },
  {
    version: 3,
    name: "leases",
    // The locks of ship and rollback live in the record, not in a checkout: two clones (or a
    // team server) on one store exclude each other. One row per name ("incident-ENG-1234",
    // "env-production"), kept when released so its fencing token only ever grows.
    async up(db) {
      await db.schema
        .createTable("leases")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("holder", "text") // the lock id (lk_…), null when free
        .addColumn("token", "integer", (c) => c.notNull())
        .addColumn("actor", "text")
        .addColumn("command", "text")
        .addColumn("ticket", "text")
        .addColumn("host", "text")
        .addColumn("pid", "integer")
        .addColumn("since", "text")
        .addColumn("expires_at", "text")
        .addColumn("deploy", "text") // JSON: the deploy's process group, host and log, while one runs
        .execute();
      await db.schema.createIndex("leases_holder_idx").on("leases").column("holder").execute();
    },
  },
  {
    version: 4,
    name: "teams",
    // One server holds many teams: every row carries its team, and every query of a team's view
    // of the store (KyselyStore.forTeam) filters on it. Rows from before are the 'default' team's,
    // which is also the team of a clone's own record. A lock's key becomes (team, name), so two
    // teams' "incident-ENG-1" never block each other: SQLite cannot change a primary key, so the
    // table is rebuilt with its rows (the same code on PostgreSQL, where DDL is transactional).
    async up(db) {
      for (const table of ["incidents", "timeline_events", "effects"])
        await db.schema
          .alterTable(table)
          .addColumn("team", "text", (c) => c.notNull().defaultTo(DEFAULT_TEAM))
          .execute();
      // The lists and lookups filter by team first.
      for (const name of ["incidents_ticket_idx", "incidents_branch_idx", "incidents_status_idx"])
        await db.schema.dropIndex(name).execute();
      for (const column of ["ticket", "branch", "status"])
        await db.schema.createIndex(`incidents_team_${column}_idx`).on("incidents").columns(["team", column, "created_at"]).execute();
      await db.schema.createIndex("timeline_events_team_recorded_idx").on("timeline_events").columns(["team", "recorded_at"]).execute();

      await db.schema
        .createTable("leases_v4")
        .addColumn("team", "text", (c) => c.notNull().defaultTo(DEFAULT_TEAM))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("holder", "text")
        .addColumn("token", "integer", (c) => c.notNull())
        .addColumn("actor", "text")
        .addColumn("command", "text")
        .addColumn("ticket", "text")
        .addColumn("host", "text")
        .addColumn("pid", "integer")
        .addColumn("since", "text")
        .addColumn("expires_at", "text")
        .addColumn("deploy", "text")
        .addPrimaryKeyConstraint("leases_team_name_pk", ["team", "name"])
        .execute();
      await sql`insert into leases_v4 (team, name, holder, token, actor, command, ticket, host, pid, since, expires_at, deploy)
        select ${DEFAULT_TEAM}, name, holder, token, actor, command, ticket, host, pid, since, expires_at, deploy from leases`.execute(db);
      await db.schema.dropTable("leases").execute();
      await db.schema.alterTable("leases_v4").renameTo("leases").execute();
      await db.schema.createIndex("leases_holder_idx").on("leases").column("holder").execute();
    },
  },
];

export const LATEST_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/**
 * Applies the migrations this database lacks; returns the versions applied now (often none).
 * `upTo` stops at an older version (a test makes a database as an older firebreak left it).
 */
export async function migrate(backend: Backend, now: () => Date = () => new Date(), upTo = LATEST_VERSION): Promise<number[]> {
  return inWriteTransaction(backend, async (trx) => {
    await backend.lockMigrations(trx);
    await trx.schema
      .createTable("firebreak_migrations")
      .ifNotExists()
      .addColumn("version", "integer", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("applied_at", "text", (c) => c.notNull())
      .execute();
    const rows = await trx.selectFrom("firebreak_migrations").select("version").execute();
    const applied = new Set(rows.map((r) => Number(r.version)));
    const newest = Math.max(0, ...applied);
    if (newest > LATEST_VERSION) {
      throw new FirebreakError({
        code: "STORE_TOO_NEW",
        message: `The database is at schema version ${newest}; this firebreak knows up to ${LATEST_VERSION}.`,
      });
    }
    const done: number[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.version) || m.version > upTo) continue;
      await m.up(trx, backend);
      await trx.insertInto("firebreak_migrations").values({ version: m.version, name: m.name, applied_at: now().toISOString() }).execute();
      done.push(m.version);
    }
    return done;
  });
}
