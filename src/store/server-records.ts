// What only the team server keeps beside the record: API tokens (as hashes only), the members of
// private incidents and the audit log (append-only, hash-chained like the timeline). Its schema has
// its own versions (server_migrations), so the record's schema version, which the CLI's fast reader
// checks, does not move when the server grows; they run under the same lock as the record's own
// migrations (an advisory lock on PostgreSQL), so several replicas starting at once apply each once.
//
// One server holds many teams (server migration 4): every row carries its team. A ServerRecords is
// one team's (the 'default' team's unless made with forTeam), and what it reads and writes is that
// team's only: its tokens, members, audit chain (each team's chain is verified on its own) and
// events. The few server-wide reads are named so: finding a token by its secret's hash (the token
// then says its team), the live feed's read of every team's new events (each tagged with its team,
// so a stream drops another team's), and the migrations.

import { createHash } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { inWriteTransaction, type Backend } from "./backend.js";
import { canonicalJson, toJsonValue } from "./hash-chain.js";
import { parseJsonColumn } from "./schema.js";
import { toEvent } from "./rows.js";
import type { TimelineEvent } from "../domain/types.js";
import { redactDeep } from "../redact.js";
import { SlackRecords, slackTablesUp, slackTeamsUp } from "./slack-records.js";
import { DEFAULT_TEAM } from "./schema.js";

import { ROLES, type Role } from "../domain/access.js";
export { ROLES, type Role };
export const TOKEN_KINDS = ["person", "agent", "service"] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export interface TokenRecord {
  id: string;
  /** The team it belongs to: everything it reads and writes is that team's (server migration 4). */
  team: string;
  name: string;
  role: Role;
  kind: TokenKind;
  createdAt: string;
  expiresAt: string | null;
  /** The one incident this token may see and work, when scoped. */
  incidentScope: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditCheck {
  ok: boolean;
  checked: number;
  problem?: { seq: number; reason: "edited" | "deleted" | "reordered" | "inserted" };
}

// biome-ignore lint/suspicious/noExplicitAny: these tables are outside the record's Database type on purpose
type Db = Kysely<any>;

const SERVER_MIGRATIONS: readonly { version: number; name: string; up(db: Db): Promise<void> }[] = [
  {
    version: 1,
    name: "tokens, members, audit",
    async up(db) {
      await db.schema
        .createTable("api_tokens")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text")
        .addColumn("incident_scope", "text")
        .addColumn("last_used_at", "text")
        .addColumn("revoked_at", "text")
        .execute();
      await db.schema
        .createTable("incident_members")
        .addColumn("incident_id", "text", (c) => c.notNull())
        .addColumn("member", "text", (c) => c.notNull())
        .addColumn("added_by", "text", (c) => c.notNull())
        .addColumn("added_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("incident_members_pk", ["incident_id", "member"])
        .execute();
      await db.schema
        .createTable("audit_log")
        .addColumn("seq", "integer", (c) => c.primaryKey())
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("target", "text", (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull())
        .addColumn("prev_hash", "text", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 2,
    name: "dashboard sessions",
    async up(db) {
      // A session's id lives only in the browser's cookie; the database keeps its sha256.
      await db.schema
        .createTable("dashboard_sessions")
        .addColumn("hash", "text", (c) => c.primaryKey())
        .addColumn("token_id", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .execute();
    },
  },
  { version: 3, name: "slack links, link codes, replay cache, incident messages, actions", up: slackTablesUp },
  {
    version: 4,
    name: "teams",
    // Rows from before teams existed are the 'default' team's. The audit log's seq is per team
    // (each team's own chain), so its key becomes (team, seq): SQLite cannot change a primary key,
    // so the table is rebuilt with its rows (the same code on PostgreSQL).
    async up(db) {
      for (const table of ["api_tokens", "incident_members", "dashboard_sessions"])
        await db.schema
          .alterTable(table)
          .addColumn("team", "text", (c) => c.notNull().defaultTo(DEFAULT_TEAM))
          .execute();
      await db.schema.createIndex("api_tokens_team_idx").on("api_tokens").columns(["team", "created_at"]).execute();
      await db.schema.createIndex("incident_members_team_member_idx").on("incident_members").columns(["team", "member"]).execute();
      await db.schema
        .createTable("audit_log_v4")
        .addColumn("team", "text", (c) => c.notNull().defaultTo(DEFAULT_TEAM))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("target", "text", (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull())
        .addColumn("prev_hash", "text", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("audit_log_team_seq_pk", ["team", "seq"])
        .execute();
      await sql`insert into audit_log_v4 (team, seq, at, actor, action, target, data, prev_hash, hash)
        select ${DEFAULT_TEAM}, seq, at, actor, action, target, data, prev_hash, hash from audit_log`.execute(db);
      await db.schema.dropTable("audit_log").execute();
      await db.schema.alterTable("audit_log_v4").renameTo("audit_log").execute();
      await slackTeamsUp(db);
    },
  },
];

/** sha256 of the secret: what the database keeps of a token. */
export const tokenHash = (secret: string): string => createHash("sha256").update(secret, "utf8").digest("hex");

export function auditHash(prevHash: string, e: Omit<AuditEntry, "prevHash" | "hash">): string {
  const content = canonicalJson({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, target: e.target, data: e.data });
  return createHash("sha256")
    .update(prevHash + content, "utf8")
    .digest("hex");
}

const toToken = (r: Record<string, unknown>): TokenRecord => ({
  id: String(r.id),
  team: String(r.team ?? DEFAULT_TEAM),
  name: String(r.name),
  role: r.role as Role,
  kind: r.kind as TokenKind,
  createdAt: String(r.created_at),
  expiresAt: (r.expires_at as string | null) ?? null,
  incidentScope: (r.incident_scope as string | null) ?? null,
  lastUsedAt: (r.last_used_at as string | null) ?? null,
  revokedAt: (r.revoked_at as string | null) ?? null,
});

const toAudit = (r: Record<string, unknown>): AuditEntry => ({
  seq: Number(r.seq),
  at: String(r.at),
  actor: String(r.actor),
  action: String(r.action),
  target: String(r.target),
  data: parseJsonColumn(r.data) as Record<string, unknown>,
  prevHash: String(r.prev_hash),
  hash: String(r.hash),
});

/** An event of the live feed with the team whose incident it belongs to. */
export type TeamEvent = TimelineEvent & { team: string };

export class ServerRecords {
  readonly #b: Backend;
  readonly #now: () => Date;
  readonly #team: string;
  constructor(backend: Backend, now: () => Date = () => new Date(), team: string = DEFAULT_TEAM) {
    this.#b = backend;
    this.#now = now;
    this.#team = team;
  }

  /** One team's records on the same database. */
  forTeam(team: string): ServerRecords {
    return new ServerRecords(this.#b, this.#now, team);
  }

  get team(): string {
    return this.#team;
  }

  get #db(): Db {
    return this.#b.db as unknown as Db;
  }

  /** The Slack app's records (server migration 3) on the same database, this team's. */
  slack(): SlackRecords {
    return new SlackRecords(this.#b, this.#now, this.#team);
  }

  /** Applies the server's migrations this database lacks, under the record's migration lock. */
  async migrate(upTo = Number.POSITIVE_INFINITY): Promise<number[]> {
    return inWriteTransaction(this.#b, async (trx) => {
      await this.#b.lockMigrations(trx);
      const db = trx as unknown as Db;
      await db.schema
        .createTable("server_migrations")
        .ifNotExists()
        .addColumn("version", "integer", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("applied_at", "text", (c) => c.notNull())
        .execute();
      const rows = await db.selectFrom("server_migrations").select("version").execute();
      const applied = new Set(rows.map((r) => Number(r.version)));
      const done: number[] = [];
      for (const m of SERVER_MIGRATIONS) {
        if (applied.has(m.version) || m.version > upTo) continue;
        await m.up(db);
        await db
          .insertInto("server_migrations")
          .values({ version: m.version, name: m.name, applied_at: this.#now().toISOString() })
          .execute();
        done.push(m.version);
      }
      return done;
    });
  }

  /** Whether the database answers and every server migration is applied (readiness). */
  async ready(): Promise<boolean> {
    const rows = await this.#db.selectFrom("server_migrations").select("version").execute();
    const applied = new Set(rows.map((r) => Number(r.version)));
    return SERVER_MIGRATIONS.every((m) => applied.has(m.version));
  }

  // --- tokens ----------------------------------------------------------------------------------

  async insertToken(t: Omit<TokenRecord, "team" | "lastUsedAt" | "revokedAt">, hash: string): Promise<TokenRecord> {
    await this.#db
      .insertInto("api_tokens")
      .values({
        id: t.id,
        team: this.#team,
        name: t.name,
        role: t.role,
        kind: t.kind,
        hash,
        created_at: t.createdAt,
        expires_at: t.expiresAt,
        incident_scope: t.incidentScope,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    return { ...t, team: this.#team, lastUsedAt: null, revokedAt: null };
  }

  /** Server-wide: the secret's hash finds the token whatever its team, and the token says its team. */
  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const r = await this.#db.selectFrom("api_tokens").selectAll().where("hash", "=", hash).executeTakeFirst();
    return r ? toToken(r) : undefined;
  }

  /** This team's token by id; another team's answers as missing. */
  async tokenById(id: string): Promise<TokenRecord | undefined> {
    const r = await this.#db.selectFrom("api_tokens").selectAll().where("team", "=", this.#team).where("id", "=", id).executeTakeFirst();
    return r ? toToken(r) : undefined;
  }

  /** Server-wide: the token a dashboard session or a Slack link names (which then says its team). */
  async tokenByIdInAnyTeam(id: string): Promise<TokenRecord | undefined> {
    const r = await this.#db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toToken(r) : undefined;
  }

  async listTokens(): Promise<TokenRecord[]> {
    const rows = await this.#db
      .selectFrom("api_tokens")
      .selectAll()
      .where("team", "=", this.#team)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(toToken);
  }

  /** Server-wide: every team's tokens, revoked ones too (none: nobody has ever been let in). */
  async countTokensInAnyTeam(): Promise<number> {
    const r = await this.#db
      .selectFrom("api_tokens")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async countTokens(): Promise<number> {
    const r = await this.#db
      .selectFrom("api_tokens")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("team", "=", this.#team)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Marks the token revoked; false when no such token or already revoked. */
  async revokeToken(id: string): Promise<boolean> {
    const r = await this.#db
      .updateTable("api_tokens")
      .set({ revoked_at: this.#now().toISOString() })
      .where("team", "=", this.#team)
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async touchToken(id: string): Promise<void> {
    await this.#db
      .updateTable("api_tokens")
      .set({ last_used_at: this.#now().toISOString() })
      .where("team", "=", this.#team)
      .where("id", "=", id)
      .execute();
  }

  // --- members of private incidents ------------------------------------------------------------

  async addMember(incidentId: string, member: string, addedBy: string): Promise<boolean> {
    const found = await this.#db
      .selectFrom("incident_members")
      .select("member")
      .where("team", "=", this.#team)
      .where("incident_id", "=", incidentId)
      .where("member", "=", member)
      .executeTakeFirst();
    if (found) return false;
    await this.#db
      .insertInto("incident_members")
      .values({ team: this.#team, incident_id: incidentId, member, added_by: addedBy, added_at: this.#now().toISOString() })
      .execute();
    return true;
  }

  async membersOf(incidentId: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("incident_members")
      .select("member")
      .where("team", "=", this.#team)
      .where("incident_id", "=", incidentId)
      .orderBy("member")
      .execute();
    return rows.map((r) => String(r.member));
  }

  /** The incidents this member was added to. */
  async membershipsOf(member: string): Promise<Set<string>> {
    const rows = await this.#db
      .selectFrom("incident_members")
      .select("incident_id")
      .where("team", "=", this.#team)
      .where("member", "=", member)
      .execute();
    return new Set(rows.map((r) => String(r.incident_id)));
  }

  // --- the live feed (GET /events) ------------------------------------------------------------

  /**
   * Server-wide, for the live feed's one poller: events written at or after `from` (recorded_at),
   * oldest first, across every incident of every team, each tagged with its team.
   */
  async eventsRecordedFrom(from: string, limit = 1000): Promise<TeamEvent[]> {
    const rows = await this.#db
      .selectFrom("timeline_events")
      .selectAll()
      .where("recorded_at", ">=", from)
      .orderBy("recorded_at")
      .orderBy("incident_id")
      .orderBy("seq")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...toEvent(r as never), team: String(r.team) }));
  }

  /** This team's events strictly after a cursor (recorded_at, incident, seq), oldest first: a resume. */
  async eventsAfter(cursor: { recordedAt: string; incidentId: string; seq: number }, limit = 1000): Promise<TimelineEvent[]> {
    const { recordedAt: r, incidentId: i, seq } = cursor;
    const rows = await this.#db
      .selectFrom("timeline_events")
      .selectAll()
      .where("team", "=", this.#team)
      .where((eb) =>
        eb.or([
          eb("recorded_at", ">", r),
          eb.and([eb("recorded_at", "=", r), eb.or([eb("incident_id", ">", i), eb.and([eb("incident_id", "=", i), eb("seq", ">", seq)])])]),
        ]),
      )
      .orderBy("recorded_at")
      .orderBy("incident_id")
      .orderBy("seq")
      .limit(limit)
      .execute();
    return rows.map((r) => toEvent(r as never));
  }

  /** Server-wide (incident ids are unique): the seq of an incident's newest event, for a NOTIFY. */
  async latestSeq(incidentId: string): Promise<number | undefined> {
    const r = await this.#db.selectFrom("incidents").select("head_seq").where("id", "=", incidentId).executeTakeFirst();
    return r ? Number(r.head_seq) : undefined;
  }

  /** Tells every replica listening on this PostgreSQL database that an event was written (ids only). */
  async notifyEvent(incidentId: string, seq: number): Promise<void> {
    if (this.#b.kind !== "postgres") return;
    await sql`select pg_notify('firebreak_events', ${JSON.stringify({ incidentId, seq })})`.execute(this.#db);
  }

  // --- audit log -------------------------------------------------------------------------------

  /** Appends one entry; seq and prev_hash are computed inside the write transaction so writers queue. */
  async audit(actor: string, action: string, target: string, data: Record<string, unknown> = {}): Promise<AuditEntry> {
    const clean = toJsonValue(redactDeep(data)) as Record<string, unknown>;
    return inWriteTransaction(this.#b, async (trx) => {
      const db = trx as unknown as Db;
      // PostgreSQL: serialize appenders on a transaction-scoped lock (SQLite holds the file's write lock already).
      if (this.#b.kind === "postgres")
        await sql`select pg_advisory_xact_lock(hashtext('firebreak.audit'), hashtext(${this.#team}))`.execute(db);
      const last = await db
        .selectFrom("audit_log")
        .select(["seq", "hash"])
        .where("team", "=", this.#team)
        .orderBy("seq", "desc")
        .limit(1)
        .executeTakeFirst();
      const seq = last ? Number(last.seq) + 1 : 1;
      const prevHash = last ? String(last.hash) : "";
      const base = { seq, at: this.#now().toISOString(), actor, action, target, data: clean };
      const hash = auditHash(prevHash, base);
      await db
        .insertInto("audit_log")
        .values({ team: this.#team, seq, at: base.at, actor, action, target, data: JSON.stringify(clean), prev_hash: prevHash, hash })
        .execute();
      return { ...base, prevHash, hash };
    });
  }

  async auditLog(): Promise<AuditEntry[]> {
    const rows = await this.#db.selectFrom("audit_log").selectAll().where("team", "=", this.#team).orderBy("seq").execute();
    return rows.map(toAudit);
  }

  async verifyAudit(): Promise<AuditCheck> {
    return verifyAuditChain(await this.auditLog());
  }

  /** Several incidents' timelines in a few reads (the dashboard's list), each oldest first. */
  async timelinesOf(ids: readonly string[]): Promise<Map<string, TimelineEvent[]>> {
    const out = new Map<string, TimelineEvent[]>(ids.map((id) => [id, []]));
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.#db
        .selectFrom("timeline_events")
        .selectAll()
        .where("team", "=", this.#team)
        .where("incident_id", "in", ids.slice(i, i + 500))
        .orderBy("incident_id")
        .orderBy("seq")
        .execute();
      for (const r of rows) out.get(String(r.incident_id))?.push(toEvent(r as never));
    }
    return out;
  }

  // --- dashboard sessions (a browser's sign-in, exchanged for a token) ------------------------

  async createSession(hash: string, tokenId: string, expiresAt: string): Promise<void> {
    await this.#db
      .insertInto("dashboard_sessions")
      .values({ team: this.#team, hash, token_id: tokenId, created_at: this.#now().toISOString(), expires_at: expiresAt })
      .execute();
  }

  /** The session's token id, when the session exists and has not expired. */
  async sessionToken(hash: string): Promise<string | undefined> {
    const r = await this.#db
      .selectFrom("dashboard_sessions")
      .select(["token_id", "expires_at"])
      .where("hash", "=", hash)
      .executeTakeFirst();
    return r && String(r.expires_at) > this.#now().toISOString() ? String(r.token_id) : undefined;
  }

  /** Ends one session (sign-out), or every session of a token; with neither, the expired ones. */
  async deleteSessions(which: { hash?: string; tokenId?: string }): Promise<void> {
    const q = this.#db.deleteFrom("dashboard_sessions");
    if (which.hash) await q.where("hash", "=", which.hash).execute();
    else if (which.tokenId) await q.where("token_id", "=", which.tokenId).execute();
    else await q.where("expires_at", "<=", this.#now().toISOString()).execute();
  }
  // --- batched reads for the live feed's re-check (one query for every open stream) ---------

  /** Server-wide (token ids are unique): the open streams of every team re-check theirs in one query. */
  async tokensByIds(ids: readonly string[]): Promise<Map<string, TokenRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await this.#db
      .selectFrom("api_tokens")
      .selectAll()
      .where("id", "in", [...ids])
      .execute();
    return new Map(rows.map((r) => [String(r.id), toToken(r)]));
  }

  /** The audit log's entries of one action, oldest first (access requests, for commanders). */
  async auditEntriesOf(action: string): Promise<AuditEntry[]> {
    const rows = await this.#db
      .selectFrom("audit_log")
      .selectAll()
      .where("team", "=", this.#team)
      .where("action", "=", action)
      .orderBy("seq")
      .execute();
    return rows.map(toAudit);
  }

  /**
   * Server-wide, for the open streams of every team: the incidents each (team, member) was added
   * to, keyed by memberKey(team, member), so one team's "alice" never lends another's her incidents.
   */
  async membershipsOfMany(members: readonly { team: string; member: string }[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (members.length === 0) return out;
    const rows = await this.#db
      .selectFrom("incident_members")
      .select(["team", "member", "incident_id"])
      .where("member", "in", [...new Set(members.map((m) => m.member))])
      .execute();
    const wanted = new Set(members.map((m) => memberKey(m.team, m.member)));
    for (const r of rows) {
      const m = memberKey(String(r.team), String(r.member));
      if (!wanted.has(m)) continue;
      (out.get(m) ?? out.set(m, new Set()).get(m)!).add(String(r.incident_id));
    }
    return out;
  }
}

/** The key of one team's member in membershipsOfMany's answer. */
export const memberKey = (team: string, member: string): string => JSON.stringify([team, member]);

export function verifyAuditChain(entries: readonly AuditEntry[]): AuditCheck {
  let prev = "";
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.seq !== i + 1) return { ok: false, checked: i, problem: { seq: e.seq, reason: e.seq > i + 1 ? "deleted" : "inserted" } };
    if (e.prevHash !== prev) return { ok: false, checked: i, problem: { seq: e.seq, reason: "reordered" } };
    if (auditHash(prev, e) !== e.hash) return { ok: false, checked: i, problem: { seq: e.seq, reason: "edited" } };
    prev = e.hash;
  }
  return { ok: true, checked: entries.length };
}
