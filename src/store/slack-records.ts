// What the Slack app keeps beside the server's records: which Slack user is which Firebreak person
// (a link names a token in api_tokens), the one-time codes that make links (as hashes only), the
// replay cache of signed requests, the incident message's ts per incident and channel (the intent
// is recorded before posting, so two replicas or a retry never post it twice) and the actions
// already done (a double click does the action once). The tables are server migration 3.

import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Backend } from "./backend.js";
import { DEFAULT_TEAM } from "./schema.js";

// biome-ignore lint/suspicious/noExplicitAny: these tables are outside the record's Database type on purpose
type Db = Kysely<any>;

/** Server migration 3: the Slack app's tables. */
export async function slackTablesUp(db: Db): Promise<void> {
  await db.schema
    .createTable("slack_links")
    .addColumn("team_id", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("token_id", "text", (c) => c.notNull())
    .addColumn("linked_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("slack_links_pk", ["team_id", "user_id"])
    .execute();
  await db.schema
    .createTable("slack_link_codes")
    .addColumn("code_hash", "text", (c) => c.primaryKey())
    .addColumn("token_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("slack_seen")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("seen_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("slack_messages")
    .addColumn("incident_id", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("ts", "text")
    .addColumn("claimed_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("slack_messages_pk", ["incident_id", "channel"])
    .execute();
  await db.schema
    .createTable("slack_actions")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("done_at", "text", (c) => c.notNull())
    .execute();
}

/**
 * Part of server migration 4 (teams): each row names the Firebreak team it was made for. A link
 * and a link code are found by Slack's ids or the code's hash whatever the team, and lead to a
 * token, which says its team; an incident message is its incident's team's.
 */
export async function slackTeamsUp(db: Db): Promise<void> {
  for (const table of ["slack_links", "slack_link_codes", "slack_messages", "slack_actions"])
    await db.schema
      .alterTable(table)
      .addColumn("firebreak_team", "text", (c) => c.notNull().defaultTo(DEFAULT_TEAM))
      .execute();
}

const codeHash = (code: string) => createHash("sha256").update(code.trim().toUpperCase(), "utf8").digest("hex");

export interface MessageRow {
  ts: string | null;
  claimedAt: string;
}

export class SlackRecords {
  readonly #b: Backend;
  readonly #now: () => Date;
  /** The Firebreak team these records are written for (not Slack's workspace, which is team_id). */
  readonly #team: string;
  constructor(backend: Backend, now: () => Date = () => new Date(), team: string = DEFAULT_TEAM) {
    this.#b = backend;
    this.#now = now;
    this.#team = team;
  }

  get #db(): Db {
    return this.#b.db as unknown as Db;
  }

  // --- link codes and links ----------------------------------------------------------------------

  /** A one-time code for this token, valid for `ttlMs`; the database keeps only its sha256. */
  async createLinkCode(tokenId: string, ttlMs = 15 * 60_000): Promise<{ code: string; expiresAt: string }> {
    const code = `FBL-${randomBytes(6).toString("hex").toUpperCase()}`;
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    await this.#db
      .insertInto("slack_link_codes")
      .values({
        firebreak_team: this.#team,
        code_hash: codeHash(code),
        token_id: tokenId,
        created_at: now.toISOString(),
        expires_at: expiresAt,
      })
      .execute();
    return { code, expiresAt };
  }

  /** The token a code names, used up by this call; undefined for an unknown, used or expired code. */
  async useLinkCode(code: string): Promise<string | undefined> {
    const hash = codeHash(code);
    const row = await this.#db
      .selectFrom("slack_link_codes")
      .select(["token_id", "expires_at"])
      .where("code_hash", "=", hash)
      .executeTakeFirst();
    if (!row) return undefined;
    // The delete decides: of two uses racing, only the one whose delete removed the row links.
    const del = await this.#db.deleteFrom("slack_link_codes").where("code_hash", "=", hash).executeTakeFirst();
    if (Number(del.numDeletedRows) === 0) return undefined;
    return String(row.expires_at) > this.#now().toISOString() ? String(row.token_id) : undefined;
  }

  async link(teamId: string, userId: string, tokenId: string): Promise<void> {
    await this.#db
      .insertInto("slack_links")
      .values({ firebreak_team: this.#team, team_id: teamId, user_id: userId, token_id: tokenId, linked_at: this.#now().toISOString() })
      .onConflict((oc) =>
        oc
          .columns(["team_id", "user_id"])
          .doUpdateSet({ firebreak_team: this.#team, token_id: tokenId, linked_at: this.#now().toISOString() }),
      )
      .execute();
  }

  async linkedToken(teamId: string, userId: string): Promise<string | undefined> {
    const r = await this.#db
      .selectFrom("slack_links")
      .select("token_id")
      .where("team_id", "=", teamId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return r ? String(r.token_id) : undefined;
  }

  // --- replay cache ------------------------------------------------------------------------------

  /** True the first time an id is seen; false for a replay. Entries older than `keepMs` are dropped. */
  async firstSight(id: string, keepMs = 10 * 60_000): Promise<boolean> {
    const now = this.#now();
    // A SQLite file has one server on it: the replay cache is this process's memory, and an
    // acknowledgement does not queue behind the file's single writer. PostgreSQL replicas share it.
    if (this.#b.kind === "sqlite") return this.#firstSightInMemory(id, now.getTime(), keepMs);
    const r = await this.#db
      .insertInto("slack_seen")
      .values({ id, seen_at: now.toISOString() })
      .onConflict((oc) => oc.column("id").doNothing())
      .executeTakeFirst();
    // Requests older than five minutes are refused by their timestamp, so older entries are not needed.
    if (Math.random() < 0.05)
      await this.#db
        .deleteFrom("slack_seen")
        .where("seen_at", "<", new Date(now.getTime() - keepMs).toISOString())
        .execute();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  readonly #seen = new Map<string, number>();
  #firstSightInMemory(id: string, now: number, keepMs: number): boolean {
    // Oldest first (insertion order): drop the expired ones from the front.
    for (const [k, at] of this.#seen) {
      if (now - at <= keepMs) break;
      this.#seen.delete(k);
    }
    if (this.#seen.has(id)) return false;
    this.#seen.set(id, now);
    return true;
  }

  // --- the incident message ----------------------------------------------------------------------

  /** Records the intent to post; `mine` says whether this call made the claim (and so posts). */
  async claimMessage(incidentId: string, channel: string): Promise<MessageRow & { mine: boolean }> {
    const at = this.#now().toISOString();
    const r = await this.#db
      .insertInto("slack_messages")
      .values({ firebreak_team: this.#team, incident_id: incidentId, channel, ts: null, claimed_at: at })
      .onConflict((oc) => oc.columns(["incident_id", "channel"]).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) return { ts: null, claimedAt: at, mine: true };
    const row = await this.message(incidentId, channel);
    return { ...(row ?? { ts: null, claimedAt: at }), mine: false };
  }

  async message(incidentId: string, channel: string): Promise<MessageRow | undefined> {
    const r = await this.#db
      .selectFrom("slack_messages")
      .select(["ts", "claimed_at"])
      .where("firebreak_team", "=", this.#team)
      .where("incident_id", "=", incidentId)
      .where("channel", "=", channel)
      .executeTakeFirst();
    return r ? { ts: (r.ts as string | null) ?? null, claimedAt: String(r.claimed_at) } : undefined;
  }

  /** Takes over a claim that was made but never finished (its poster died); false if another did. */
  async reclaimMessage(incidentId: string, channel: string, claimedAt: string): Promise<boolean> {
    const r = await this.#db
      .updateTable("slack_messages")
      .set({ claimed_at: this.#now().toISOString() })
      .where("firebreak_team", "=", this.#team)
      .where("incident_id", "=", incidentId)
      .where("channel", "=", channel)
      .where("claimed_at", "=", claimedAt)
      .where("ts", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async setMessageTs(incidentId: string, channel: string, ts: string): Promise<void> {
    await this.#db
      .updateTable("slack_messages")
      .set({ ts })
      .where("firebreak_team", "=", this.#team)
      .where("incident_id", "=", incidentId)
      .where("channel", "=", channel)
      .execute();
  }

  // --- actions done once -------------------------------------------------------------------------

  /** True when this call is the first to claim the action; false when it was already done. */
  async claimAction(key: string, actor: string): Promise<boolean> {
    const r = await this.#db
      .insertInto("slack_actions")
      .values({ firebreak_team: this.#team, key, actor, done_at: this.#now().toISOString() })
      .onConflict((oc) => oc.column("key").doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async actionBy(key: string): Promise<string | undefined> {
    const r = await this.#db.selectFrom("slack_actions").select("actor").where("key", "=", key).executeTakeFirst();
    return r ? String(r.actor) : undefined;
  }

  /** Gives the claim back when the action was refused, so a later click may try again. */
  async releaseAction(key: string): Promise<void> {
    await this.#db.deleteFrom("slack_actions").where("key", "=", key).execute();
  }
}
