// The Store on Kysely: one implementation for SQLite and PostgreSQL. Every write that appends to a
// timeline locks the incident first (row lock on PostgreSQL, the database write lock on SQLite)
// and computes seq and prev_hash inside that transaction, so concurrent writers queue instead of
// racing for the same seq.

import { randomUUID } from "node:crypto";
import { sql, type Kysely, type Selectable } from "kysely";
import { E } from "../errors.js";
import type { ChainCheck, Clock, DeployMark, Fence, Lease, LeaseRequest, LeaseResult, Store } from "../ports.js";
import type { EffectRecord, Incident, NewEvent, NewIncident, TimelineEvent } from "../domain/types.js";
import { inWriteTransaction, type Backend } from "./backend.js";
import { effectDone, effectExists, effectUnknown, leaseLost } from "./effect-errors.js";
import { checkChain, checkHead, eventHash, toJsonValue } from "./hash-chain.js";
import { redact, redactDeep } from "../redact.js";
import { toEffect, toEvent, toIncident, toLease } from "./rows.js";
import { assertKnownEvent } from "./check-event.js";
import { DEFAULT_TEAM, type Database, type LeasesTable } from "./schema.js";

type Trx = Kysely<Database>;

/** Unwinds the lease transaction when a name is held by a run that may not be taken over. */
class LeaseHeld extends Error {
  constructor(readonly held: Lease) {
    super(`lease ${held.name} is held by ${held.id}`);
  }
}
const INACTIVE = ["resolved", "abandoned"] as const;

/** What the store keeps of a value: plain JSON with every secret (and every form of one) masked. */
const keep = <T>(value: T): T => toJsonValue(redactDeep(value));

/**
 * The store of one record. Made by openStore it is unscoped: a clone's own record, whose rows are
 * all the 'default' team's, read and written exactly as before teams existed (and an older record
 * opened read-only, without the team column, still reads). `forTeam` gives one team's view on the
 * same connections: every query filters by that team and every insert sets it, so a team's view
 * never sees, locks or changes another team's rows. The team server only ever uses views.
 */
export class KyselyStore implements Store {
  readonly #b: Backend;
  readonly #clock: Clock;
  /** null: the unscoped store of a clone's own record; else the team every query is limited to. */
  readonly #team: string | null;
  readonly #root: boolean;
  #closed: Promise<void> | undefined;

  constructor(backend: Backend, clock: Clock = { now: () => new Date() }, team: string | null = null, root = true) {
    this.#b = backend;
    this.#clock = clock;
    this.#team = team;
    this.#root = root;
  }

  /** One team's view of the record, sharing this store's connections (closing a view closes nothing). */
  forTeam(team: string): KyselyStore {
    return new KyselyStore(this.#b, this.#clock, team, false);
  }

  /** The team this view is limited to; 'default' for the unscoped store. */
  get team(): string {
    return this.#team ?? DEFAULT_TEAM;
  }

  /** `team = this view's team`, or nothing for the unscoped store: `.where(this.#mine)`. */
  readonly #mine = <Q extends { where: (c: "team", op: "=", v: string) => Q }>(q: Q): Q =>
    this.#team === null ? q : q.where("team", "=", this.#team);

  /** What an insert sets: the view's team (the unscoped store leaves the column's default). */
  get #teamValue(): { team?: string } {
    return this.#team === null ? {} : { team: this.#team };
  }

  get backend(): Backend["kind"] {
    return this.#b.kind;
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }

  get #db(): Kysely<Database> {
    return this.#b.db;
  }

  async createIncident(input: NewIncident, first: NewEvent): Promise<Incident> {
    assertKnownEvent(first);
    const now = this.#now();
    const incident: Incident = keep({
      id: `inc_${randomUUID().replaceAll("-", "")}`,
      ticket: input.ticket,
      title: input.title,
      priority: input.priority,
      criteria: input.criteria,
      status: input.status ?? "open",
      discoveredAt: input.discoveredAt,
      deadlineAt: input.deadlineAt,
      branch: input.branch,
      base: input.base,
      remote: input.remote,
      createdAt: now,
      updatedAt: now,
      data: input.data ?? {},
    });
    return inWriteTransaction(this.#b, async (trx) => {
      // One active incident per ticket, checked where it is written: two starts of one ticket at
      // the same moment (two clones, one shared record) would both pass a check made before. On
      // SQLite, BEGIN IMMEDIATE already serializes writers; on PostgreSQL, a lock on the ticket
      // (held to the end of this transaction) orders them, and the second one sees the first.
      if (this.#b.kind === "postgres")
        await sql`select pg_advisory_xact_lock(hashtext('firebreak.ticket'), hashtext(${`${this.team}/${incident.ticket}`}))`.execute(trx);
      const active = await trx
        .selectFrom("incidents")
        .select(["ticket", "branch", "created_at"])
        .$call(this.#mine)
        .where("ticket", "=", incident.ticket)
        .where("status", "not in", INACTIVE)
        .orderBy("created_at", "desc")
        .executeTakeFirst();
      if (active) throw E.ticketInProgress(active.ticket, active.branch, active.created_at);
      await trx
        .insertInto("incidents")
        .values({
          id: incident.id,
          ...this.#teamValue,
          ticket: incident.ticket,
          title: incident.title,
          priority: incident.priority,
          criteria: JSON.stringify(incident.criteria),
          status: incident.status,
          discovered_at: incident.discoveredAt,
          deadline_at: incident.deadlineAt,
          branch: incident.branch,
          base: incident.base,
          remote: incident.remote,
          created_at: incident.createdAt,
          updated_at: incident.updatedAt,
          data: JSON.stringify(incident.data),
        })
        .execute();
      await this.#append(trx, incident.id, first);
      return incident;
    });
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const r = await this.#db.selectFrom("incidents").selectAll().$call(this.#mine).where("id", "=", id).executeTakeFirst();
    return r && toIncident(r);
  }

  async findActiveByTicket(ticket: string): Promise<Incident | undefined> {
    const r = await this.#db
      .selectFrom("incidents")
      .selectAll()
      .$call(this.#mine)
      .where("ticket", "=", ticket)
      .where("status", "not in", INACTIVE)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .executeTakeFirst();
    return r && toIncident(r);
  }

  async findByTicket(ticket: string): Promise<Incident | undefined> {
    return this.#newestWhere("ticket", ticket);
  }

  async findByBranch(branch: string): Promise<Incident | undefined> {
    return this.#newestWhere("branch", branch);
  }

  async #newestWhere(column: "ticket" | "branch", value: string): Promise<Incident | undefined> {
    const r = await this.#db
      .selectFrom("incidents")
      .selectAll()
      .$call(this.#mine)
      .where(column, "=", value)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .executeTakeFirst();
    return r && toIncident(r);
  }

  async listIncidents(opts: { all: boolean }): Promise<Incident[]> {
    let q = this.#db.selectFrom("incidents").selectAll().$call(this.#mine);
    if (!opts.all) q = q.where("status", "not in", INACTIVE);
    const rows = await q.orderBy("created_at", "desc").orderBy("id", "desc").execute();
    return rows.map(toIncident);
  }

  async updateIncident(
    id: string,
    patch: { status?: Incident["status"]; data?: Record<string, unknown> },
    event?: NewEvent,
  ): Promise<Incident> {
    if (event) assertKnownEvent(event);
    return inWriteTransaction(this.#b, async (trx) => {
      const current = toIncident(await this.#lockIncident(trx, id));
      const next: Incident = {
        ...current,
        status: patch.status ?? current.status,
        data: keep({ ...current.data, ...(patch.data ?? {}) }),
        updatedAt: this.#now(),
      };
      await trx
        .updateTable("incidents")
        .set({ status: next.status, data: JSON.stringify(next.data), updated_at: next.updatedAt })
        .$call(this.#mine)
        .where("id", "=", id)
        .execute();
      if (event) await this.#append(trx, id, event);
      return next;
    });
  }

  async appendEvent(incidentId: string, event: NewEvent): Promise<TimelineEvent> {
    assertKnownEvent(event);
    return inWriteTransaction(this.#b, async (trx) => {
      await this.#lockIncident(trx, incidentId);
      return this.#append(trx, incidentId, event);
    });
  }

  async timeline(incidentId: string): Promise<TimelineEvent[]> {
    const rows = await this.#db
      .selectFrom("timeline_events")
      .selectAll()
      .$call(this.#mine)
      .where("incident_id", "=", incidentId)
      .orderBy("seq", "asc")
      .execute();
    return rows.map(toEvent);
  }

  async verifyTimeline(incidentId: string): Promise<ChainCheck> {
    const events = await this.timeline(incidentId);
    const chain = checkChain(events);
    if (!chain.ok) return chain;
    const head = await this.#db
      .selectFrom("incidents")
      .select(["head_seq", "head_hash"])
      .$call(this.#mine)
      .where("id", "=", incidentId)
      .executeTakeFirst();
    return checkHead(events, head ? { seq: Number(head.head_seq), hash: head.head_hash } : null) ?? chain;
  }

  async getEffect(incidentId: string, key: string): Promise<EffectRecord | undefined> {
    const r = await this.#effectRow(this.#db, incidentId, key);
    return r && toEffect(r);
  }

  async listEffects(incidentId: string): Promise<EffectRecord[]> {
    const rows = await this.#db
      .selectFrom("effects")
      .selectAll()
      .$call(this.#mine)
      .where("incident_id", "=", incidentId)
      .orderBy("started_at", "asc")
      .orderBy("key", "asc")
      .execute();
    return rows.map(toEffect);
  }

  async recordIntent(
    incidentId: string,
    key: string,
    intent: Record<string, unknown>,
    event: NewEvent,
    fence?: Fence,
  ): Promise<EffectRecord> {
    assertKnownEvent(event);
    return inWriteTransaction(this.#b, async (trx) => {
      await this.#lockIncident(trx, incidentId);
      if (fence) await this.#checkFence(trx, key, fence);
      const existing = await this.#effectRow(trx, incidentId, key);
      if (existing) {
        throw effectExists(incidentId, key, existing.state);
      }
      const record: EffectRecord = {
        incidentId,
        key,
        state: "intent",
        intent: keep(intent),
        result: null,
        startedAt: this.#now(),
        finishedAt: null,
      };
      await trx
        .insertInto("effects")
        .values({
          incident_id: incidentId,
          ...this.#teamValue,
          key,
          state: record.state,
          intent: JSON.stringify(record.intent),
          result: null,
          started_at: record.startedAt,
          finished_at: null,
        })
        .execute();
      await this.#append(trx, incidentId, event);
      return record;
    });
  }

  async recordOutcome(
    incidentId: string,
    key: string,
    outcome: { state: "done" | "possibly-done"; result: Record<string, unknown> | null },
    event: NewEvent,
  ): Promise<EffectRecord> {
    assertKnownEvent(event);
    return inWriteTransaction(this.#b, async (trx) => {
      await this.#lockIncident(trx, incidentId);
      const current = toEffect(await this.#requireEffect(trx, incidentId, key, "record its outcome"));
      if (current.state === "done") throw effectDone(incidentId, key, "its outcome cannot be replaced");
      const record: EffectRecord = {
        ...current,
        state: outcome.state,
        result: outcome.result === null ? null : keep(outcome.result),
        finishedAt: this.#now(),
      };
      await trx
        .updateTable("effects")
        .set({
          state: record.state,
          result: record.result === null ? null : JSON.stringify(record.result),
          finished_at: record.finishedAt,
        })
        .$call(this.#mine)
        .where("incident_id", "=", incidentId)
        .where("key", "=", key)
        .execute();
      await this.#append(trx, incidentId, event);
      return record;
    });
  }

  async annotateIntent(incidentId: string, key: string, patch: Record<string, unknown>): Promise<void> {
    await inWriteTransaction(this.#b, async (trx) => {
      const row = await this.#effectRow(trx, incidentId, key);
      if (!row || row.state === "done") return; // finished meanwhile: nothing in flight to describe
      const intent = { ...toEffect(row).intent, ...toJsonValue(patch) };
      await trx
        .updateTable("effects")
        .set({ intent: JSON.stringify(intent) })
        .$call(this.#mine)
        .where("incident_id", "=", incidentId)
        .where("key", "=", key)
        .execute();
    });
  }

  async clearIntent(incidentId: string, key: string, event: NewEvent, fence?: Fence): Promise<void> {
    assertKnownEvent(event);
    await inWriteTransaction(this.#b, async (trx) => {
      await this.#lockIncident(trx, incidentId);
      if (fence) await this.#checkFence(trx, key, fence);
      const current = await this.#requireEffect(trx, incidentId, key, "clear it");
      if (current.state === "done") throw effectDone(incidentId, key, "a finished effect cannot be forgotten");
      await trx.deleteFrom("effects").$call(this.#mine).where("incident_id", "=", incidentId).where("key", "=", key).execute();
      await this.#append(trx, incidentId, event);
    });
  }

  async acquireLeases(req: LeaseRequest): Promise<LeaseResult> {
    // Names in one order, so two runs taking overlapping sets queue instead of deadlocking (pg).
    const names = [...new Set(req.names)].sort();
    try {
      return await inWriteTransaction(this.#b, async (trx) => {
        const seen: Selectable<LeasesTable>[] = [];
        const tookOver: Lease[] = [];
        const refused: Lease[] = [];
        for (const name of names) {
          await trx
            .insertInto("leases")
            .values({
              ...this.#teamValue,
              name,
              holder: null,
              token: 0,
              actor: null,
              command: null,
              ticket: null,
              host: null,
              pid: null,
              since: null,
              expires_at: null,
              deploy: null,
            })
            .onConflict((oc) => oc.columns(["team", "name"]).doNothing())
            .execute();
          let q = trx.selectFrom("leases").selectAll().$call(this.#mine).where("name", "=", name);
          if (this.#b.rowLocks) q = q.forUpdate();
          const row = (await q.executeTakeFirst())!;
          if (row.holder !== null && row.holder !== req.id) {
            const held = toLease(row);
            if (req.canTakeOver(held)) tookOver.push(held);
            else refused.push(held);
          }
          seen.push(row);
        }
        // The refusal names the first name asked for that is held (the incident before the environment).
        const first = req.names.map((n) => refused.find((h) => h.name === n)).find((h) => h);
        if (first) throw new LeaseHeld(first);
        const top = await trx
          .selectFrom("leases")
          .select((eb) => eb.fn.max("token").as("top"))
          .$call(this.#mine)
          .executeTakeFirst();
        const token = Number(top?.top ?? 0) + 1;
        const h = req.holder;
        for (const row of seen) {
          // Conditional on the token read above: nobody can have changed the row in between.
          const r = await trx
            .updateTable("leases")
            .set({
              holder: req.id,
              token,
              actor: h.actor,
              command: h.command,
              ticket: h.ticket,
              host: h.host,
              pid: h.pid,
              since: req.now,
              expires_at: req.expiresAt,
              deploy: null,
            })
            .$call(this.#mine)
            .where("name", "=", row.name)
            .where("token", "=", Number(row.token))
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) !== 1)
            throw new LeaseHeld(
              toLease((await trx.selectFrom("leases").selectAll().$call(this.#mine).where("name", "=", row.name).executeTakeFirst())!),
            );
        }
        return { ok: true as const, token, tookOver };
      });
    } catch (e) {
      if (e instanceof LeaseHeld) return { ok: false, held: e.held };
      throw e;
    }
  }

  async renewLeases(id: string, token: number, expiresAt: string): Promise<boolean> {
    const r = await inWriteTransaction(this.#b, (trx) =>
      trx
        .updateTable("leases")
        .set({ expires_at: expiresAt })
        .$call(this.#mine)
        .where("holder", "=", id)
        .where("token", "=", token)
        .executeTakeFirst(),
    );
    return Number(r.numUpdatedRows) > 0;
  }

  async markLeaseDeploy(id: string, deploy: DeployMark | null): Promise<void> {
    await inWriteTransaction(this.#b, (trx) =>
      trx
        .updateTable("leases")
        .set({ deploy: deploy ? JSON.stringify(deploy) : null })
        .$call(this.#mine)
        .where("holder", "=", id)
        .execute(),
    );
  }

  async releaseLeases(id: string): Promise<Lease[]> {
    return inWriteTransaction(this.#b, async (trx) => {
      const rows = await trx.selectFrom("leases").selectAll().$call(this.#mine).where("holder", "=", id).orderBy("name").execute();
      // The row stays (with its token), so the next acquisition's token is higher still.
      await trx
        .updateTable("leases")
        .set({ holder: null, actor: null, command: null, ticket: null, host: null, pid: null, since: null, expires_at: null, deploy: null })
        .$call(this.#mine)
        .where("holder", "=", id)
        .execute();
      return rows.map(toLease);
    });
  }

  async listLeases(): Promise<Lease[]> {
    const rows = await this.#db
      .selectFrom("leases")
      .selectAll()
      .$call(this.#mine)
      .where("holder", "is not", null)
      .orderBy("since")
      .orderBy("name")
      .execute();
    return rows.map(toLease);
  }

  /** Refuses (LEASE_LOST) unless `fence.token` is still the token of every one of its names. */
  async #checkFence(trx: Trx, key: string, fence: Fence): Promise<void> {
    const rows = await trx
      .selectFrom("leases")
      .select(["name", "token", "holder"])
      .$call(this.#mine)
      .where("name", "in", fence.names)
      .execute();
    const current = rows.filter((r) => r.holder !== null && Number(r.token) === fence.token).length;
    if (current !== new Set(fence.names).size) throw leaseLost(key, fence.names);
  }

  close(): Promise<void> {
    if (!this.#root) return Promise.resolve(); // a team's view borrows the connections
    this.#closed ??= this.#db.destroy();
    return this.#closed;
  }

  /** Takes the incident's lock for the rest of the transaction and returns its row. */
  async #lockIncident(trx: Trx, id: string) {
    let q = trx.selectFrom("incidents").selectAll().$call(this.#mine).where("id", "=", id);
    if (this.#b.rowLocks) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) throw E.noIncident(`with id ${id}`);
    return row;
  }

  /** Appends one event; the caller holds the incident's lock (or has just created it). */
  async #append(trx: Trx, incidentId: string, event: NewEvent): Promise<TimelineEvent> {
    const last = await trx
      .selectFrom("timeline_events")
      .select(["seq", "hash"])
      .$call(this.#mine)
      .where("incident_id", "=", incidentId)
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    const content = {
      incidentId,
      seq: last ? Number(last.seq) + 1 : 1,
      at: event.at,
      recordedAt: this.#now(),
      actor: redact(event.actor),
      kind: event.kind,
      // Redacted here, before hashing: a secret that reached the chain could never be removed
      // without breaking `log --verify`.
      data: keep(event.data ?? {}),
    };
    const prevHash = last?.hash ?? "";
    const stored: TimelineEvent = { ...content, prevHash, hash: eventHash(prevHash, content) };
    await trx
      .insertInto("timeline_events")
      .values({
        incident_id: incidentId,
        // The incident's team: the caller holds its lock, taken through this same view.
        ...this.#teamValue,
        seq: stored.seq,
        at: stored.at,
        recorded_at: stored.recordedAt,
        actor: stored.actor,
        kind: stored.kind,
        data: JSON.stringify(stored.data),
        prev_hash: stored.prevHash,
        hash: stored.hash,
      })
      .execute();
    await trx
      .updateTable("incidents")
      .set({ head_seq: stored.seq, head_hash: stored.hash })
      .$call(this.#mine)
      .where("id", "=", incidentId)
      .execute();
    return stored;
  }

  #effectRow(db: Trx, incidentId: string, key: string) {
    return db
      .selectFrom("effects")
      .selectAll()
      .$call(this.#mine)
      .where("incident_id", "=", incidentId)
      .where("key", "=", key)
      .executeTakeFirst();
  }

  async #requireEffect(trx: Trx, incidentId: string, key: string, action: string) {
    const row = await this.#effectRow(trx, incidentId, key);
    if (!row) {
      throw effectUnknown(incidentId, key, action);
    }
    return row;
  }
}
