// The record a clone works on when the team server does not answer and the person said why
// (--offline --reason): a SQLite file beside the copies, .git/firebreak/offline/<server>.db. It
// starts as the copies of what this clone last read (incidents, timelines and effect journals, row
// for row, so a deploy the server knows was done is not done again), and the steps taken offline
// are appended to it like to any record. offline-journal.ts keeps the calls that made them, to
// replay on the server; once every call about an incident is uploaded, its copy here is dropped.

import type { Kysely } from "kysely";
import type { Database } from "./schema.js";
import type { Clock } from "../ports.js";
import type { EffectRecord, Incident, TimelineEvent } from "../domain/types.js";
import { inWriteTransaction, type Backend } from "./backend.js";
import { KyselyStore } from "./kysely-store.js";
import { migrate } from "./migrations.js";

/** What a copy holds: the incident as last read, with its timeline and effect journal when read. */
export interface IncidentCopy {
  incident: Incident;
  timeline: TimelineEvent[];
  effects: EffectRecord[];
}

export class OfflineRecord {
  readonly store: KyselyStore;
  readonly #b: Backend;

  private constructor(backend: Backend, clock: Clock) {
    this.#b = backend;
    this.store = new KyselyStore(backend, clock);
  }

  static async open(path: string, clock: Clock): Promise<OfflineRecord> {
    const { openSqliteBackend } = await import("./sqlite.js");
    const backend = openSqliteBackend(path);
    await migrate(backend, () => clock.now());
    return new OfflineRecord(backend, clock);
  }

  /** Whether this record holds the incident. */
  async has(id: string): Promise<boolean> {
    return (await this.store.getIncident(id)) !== undefined;
  }

  /** Puts a copy in place of what this record held of the incident, in one transaction. */
  async seed(copy: IncidentCopy): Promise<void> {
    const i = copy.incident;
    const last = copy.timeline.at(-1);
    await inWriteTransaction(this.#b, async (trx) => {
      await this.#forget(trx, i.id);
      await trx
        .insertInto("incidents")
        .values({
          id: i.id,
          ticket: i.ticket,
          title: i.title,
          priority: i.priority,
          criteria: JSON.stringify(i.criteria),
          status: i.status,
          discovered_at: i.discoveredAt,
          deadline_at: i.deadlineAt,
          branch: i.branch,
          base: i.base,
          remote: i.remote,
          created_at: i.createdAt,
          updated_at: i.updatedAt,
          data: JSON.stringify(i.data),
          head_seq: last?.seq ?? 0,
          head_hash: last?.hash ?? "",
        })
        .execute();
      // The server's own seqs and hashes, so the copy's chain checks here as it does there.
      for (const e of copy.timeline)
        await trx
          .insertInto("timeline_events")
          .values({
            incident_id: i.id,
            seq: e.seq,
            at: e.at,
            recorded_at: e.recordedAt,
            actor: e.actor,
            kind: e.kind,
            data: JSON.stringify(e.data),
            prev_hash: e.prevHash,
            hash: e.hash,
          })
          .execute();
      for (const f of copy.effects)
        await trx
          .insertInto("effects")
          .values({
            incident_id: i.id,
            key: f.key,
            state: f.state,
            intent: JSON.stringify(f.intent),
            result: f.result === null ? null : JSON.stringify(f.result),
            started_at: f.startedAt,
            finished_at: f.finishedAt,
          })
          .execute();
    });
  }

  /** Drops the incident from this record: everything done offline about it is on the server now. */
  async forget(id: string): Promise<void> {
    await inWriteTransaction(this.#b, (trx) => this.#forget(trx, id));
  }

  async #forget(trx: Kysely<Database>, id: string): Promise<void> {
    await trx.deleteFrom("effects").where("incident_id", "=", id).execute();
    await trx.deleteFrom("timeline_events").where("incident_id", "=", id).execute();
    await trx.deleteFrom("incidents").where("id", "=", id).execute();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
