// The team server's record as a clone uses it, when the server may not answer. The server is
// never why a P0 stalls: when it does not answer, reads come from this clone's copy of what it
// last read (mirror.ts), said loudly with the copy's age, and notes are kept (outbox.ts) and
// uploaded by the next command that reaches the server, exactly once, followed by what others did
// meanwhile. Anything that changes the world (a lock, an effect, a status) waits for the server,
// since two machines deciding alone could both ship, unless the person says why it cannot wait
// (--offline --reason "…"): then the command works on the offline record (offline-store.ts),
// which starts from the copies, and its steps are made on the server by the next command that
// reaches it (offline-upload.ts). Once steps were taken offline, every command that does not reach
// the server reads from that record, so it sees them too.

import type { ChainCheck, Lease, LeaseRequest, LeaseResult, Store } from "../ports.js";
import type { EffectRecord, Incident, NewEvent, NewIncident, TimelineEvent } from "../domain/types.js";
import { FirebreakError, isFirebreakError } from "../errors.js";
import { crashPoint } from "../crash-point.js";
import { describeEvent } from "../render/describe-event.js";
import type { RecordMirror } from "./mirror.js";
import { newUploadId, type Outbox, type OutboxEntry } from "./outbox.js";
import type { RemoteStore } from "./remote-store.js";
import type { WhoAmI } from "./remote-protocol.js";
import type { OfflineJournal } from "./offline-journal.js";
import type { OfflineRecord } from "./offline-record.js";
import { OfflineStore } from "./offline-store.js";
import { uploadOfflineSteps } from "./offline-upload.js";
import { printable } from "../render/printable.js";

/** How a command may work without the server: the offline record, its journal and the person's reason. */
export interface OfflineDeps {
  journal: OfflineJournal;
  open(): Promise<OfflineRecord>;
  /** --reason given with --offline; without it, only notes are kept. */
  reason: string | undefined;
  /** The token's name, role and kind as saved at login. */
  who(): WhoAmI | null;
  /** The command as typed, recorded with the reason. */
  command: string;
}

export interface ResilientDeps {
  remote: RemoteStore;
  mirror: RecordMirror;
  outbox: Outbox;
  /** Where warnings go (stderr): the person must know they are working from a copy. */
  warn(line: string): void;
  now(): Date;
  /** Who this clone writes as (the token's name), to tell others' steps from one's own. */
  me(): string | undefined;
  offline: OfflineDeps;
}

/** The kinds kept while the server does not answer: what a person says, not what a step did. */
const KEPT_OFFLINE = new Set(["note", "impact.noted"]);
const CLOSED = new Set(["resolved", "abandoned"]);
/** How a kept note reads until it is uploaded. */
const KEPT = " (kept here; not yet on the server)";

/** A step in a person's words: "Confirming happy-path", not "Recording confirm.happy-path". */
const doing = (kind: string): string => {
  const [head, ...rest] = kind.split(".");
  const words: Record<string, string> = {
    confirm: "Confirming",
    review: "Recording the review",
    approval: "Waiving the approval",
    plan: "Recording the plan",
  };
  return words[head ?? ""] ? `${words[head ?? ""]}${head === "confirm" ? ` ${rest.join(".")}` : ""}` : `Recording ${kind}`;
};

const unreachable = (e: unknown): e is FirebreakError => isFirebreakError(e) && e.code === "SERVER_UNREACHABLE";

const age = (from: string, now: Date): string => {
  const min = Math.max(0, Math.round((now.getTime() - Date.parse(from)) / 60_000));
  return min < 1 ? "less than a minute ago" : min < 120 ? `${min} min ago` : `${Math.round(min / 60)} h ago`;
};

export class ResilientStore implements Store {
  readonly #d: ResilientDeps;
  /** Set by the first call the server did not answer: the rest of this command works offline. */
  #offline: FirebreakError | null = null;
  #flushed = false;
  /** The incidents this command read or wrote: their copies are brought up to date when it ends. */
  readonly #touched = new Set<string>();
  #record: Promise<OfflineRecord> | undefined;
  #local: Promise<OfflineStore | null> | undefined;
  #saidAnswered = false;

  constructor(deps: ResilientDeps) {
    this.#d = deps;
  }

  get url(): string {
    return this.#d.remote.url;
  }

  whoami() {
    return this.#d.remote.whoami();
  }

  /** Whether this command found the server unanswering and reads this clone's copies instead. */
  get readingCopies(): boolean {
    return this.#offline !== null;
  }

  /**
   * Runs a read on the server; when it does not answer, answers from the offline record when steps
   * were taken (or are being taken) without the server, else from the copy.
   */
  async #read<T>(online: () => Promise<T>, offline: () => T, local: (s: Store) => Promise<T>): Promise<T> {
    if (!this.#offline) {
      try {
        await this.#flush();
        return this.#answered(await online());
      } catch (e) {
        if (!unreachable(e)) throw e;
        this.#goOffline(e);
      }
    }
    const s = await this.#localStore();
    return s ? local(s) : offline();
  }

  /**
   * Runs a write on the server; when it does not answer, on the offline record if the person said
   * why, else nothing is written and the refusal says why. A write the server stops answering in
   * the middle of is not retried here: it may have been made there.
   */
  async #write<T>(what: string, online: () => Promise<T>, local: (s: Store) => Promise<T>): Promise<T> {
    if (this.#offline) {
      const s = await this.#localStore();
      if (!s) throw this.#refusal(what);
      return local(s);
    }
    await this.#flush();
    return this.#answered(await online());
  }

  #openRecord(): Promise<OfflineRecord> {
    this.#record ??= this.#d.offline.open();
    return this.#record;
  }

  /**
   * The offline record, once the server did not answer and this command may use it: with a
   * reason, or when steps taken offline wait for upload (reads must show them). It starts from the
   * copies, but an incident with steps waiting keeps what those steps made.
   */
  #localStore(): Promise<OfflineStore | null> {
    this.#local ??= (async () => {
      const o = this.#d.offline;
      const waiting = new Set(o.journal.list().map((e) => e.incidentId));
      if (o.reason === undefined && waiting.size === 0) return null;
      const record = await this.#openRecord();
      for (const copy of this.#d.mirror.all()) {
        if (!copy.timeline || (waiting.has(copy.incident.id) && (await record.has(copy.incident.id)))) continue;
        await record.seed({ incident: copy.incident, timeline: copy.timeline, effects: copy.effects ?? [] });
      }
      if (o.reason !== undefined)
        this.#d.warn(
          `Working without the team server, on this clone's offline record (why: ${o.reason}); each step is uploaded by the next command that reaches ${this.url}.`,
        );
      return new OfflineStore({
        record,
        journal: o.journal,
        reason: o.reason,
        server: this.url,
        who: o.who(),
        command: o.command,
        refusal: (what) => this.#refusal(what),
        now: () => this.#d.now(),
      });
    })();
    return this.#local;
  }

  #goOffline(e: FirebreakError): void {
    this.#offline = e;
    const copies = this.#d.mirror.all();
    const newest = copies
      .map((c) => c.savedAt)
      .sort()
      .at(-1);
    const what = e.message.replace(/: nothing was read or written there by this call\.$/, ".");
    const o = this.#d.offline;
    // With --offline, or with steps taken offline waiting, the offline record is read instead: it says so itself.
    if (o.reason !== undefined) return this.#d.warn(what);
    const waiting = o.journal.list().length;
    if (waiting > 0)
      return this.#d.warn(
        `${what} Working from this clone's offline record: ${waiting === 1 ? "1 step" : `${waiting} steps`} taken without the server ${waiting === 1 ? "is" : "are"} not uploaded yet; the next command that reaches the server uploads them.`,
      );
    this.#d.warn(
      `${what} Working from this clone's copy of the record${newest ? `, read ${age(newest, this.#d.now())}` : " (none read yet)"}; notes are kept here and uploaded by the next command that reaches the server. Any other step waits for the server, or is taken now with --offline --reason "why".`,
    );
  }

  #refusal(
    what: string,
    why = "Locks, effects and status changes are decided on the server, or two machines could both ship; notes are kept and uploaded later.",
  ): FirebreakError {
    return new FirebreakError({
      code: "SERVER_UNREACHABLE",
      message: `${what} needs the team server at ${this.url}, which did not answer: nothing was done.`,
      why,
      next: `run the same command again once the server answers (firebreak whoami tells); if it cannot wait, add --offline --reason "why": the steps are taken on this clone's copy and uploaded when the server answers`,
    });
  }

  /**
   * Uploads what was kept while the server was away, once per command: the notes, then the steps
   * taken offline, each followed by what others did meanwhile.
   */
  async #flush(): Promise<void> {
    if (this.#flushed) return;
    this.#flushed = true;
    await this.#flushNotes();
    if (this.#d.offline.journal.list().length > 0)
      await uploadOfflineSteps({
        remote: this.#d.remote,
        journal: this.#d.offline.journal,
        record: () => this.#openRecord(),
        mirror: this.#d.mirror,
        me: (await this.#d.remote.whoami()).name,
        server: this.url,
        warn: this.#d.warn,
        now: this.#d.now,
      });
  }

  /** Said once, after the server's first answer: --offline given to a command the server answers is not used. */
  #answered<T>(result: T): T {
    if (this.#d.offline.reason !== undefined && !this.#saidAnswered) {
      this.#saidAnswered = true;
      this.#d.warn(`The team server at ${this.url} answered, so --offline is not used: this command works on the server.`);
    }
    return result;
  }

  async #flushNotes(): Promise<void> {
    const entries = this.#d.outbox.list();
    if (entries.length === 0) return;
    // A note is uploaded in its writer's name only: after a login as someone else it waits.
    const me = (await this.#d.remote.whoami()).name;
    const byIncident = new Map<string, OutboxEntry[]>();
    for (const entry of entries) {
      if (entry.event.actor !== me) {
        this.#d.warn(
          `A note on ${entry.ticket} kept while the server did not answer was written by ${entry.event.actor}, and this clone now writes as ${me}: it stays kept until ${entry.event.actor} logs in here again (firebreak login ${this.url}).`,
        );
        continue;
      }
      try {
        // The server keeps an upload id once: a kill after its answer and before the removal below
        // uploads the same note again, and the server answers with the one it already has.
        await this.#d.remote.appendEvent(entry.incidentId, entry.event);
      } catch (e) {
        if (unreachable(e) || !isFirebreakError(e)) throw e;
        // Refused (too long, a role that may not write): set aside, so the notes behind it still go.
        const kept = this.#d.outbox.setAside(entry.uploadId);
        this.#d.warn(`The server refused a note kept on ${entry.ticket}: ${e.message} The note is in ${kept}; nothing else was held up.`);
        continue;
      }
      crashPoint("outbox", "after-upload");
      this.#d.outbox.remove(entry.uploadId);
      byIncident.set(entry.incidentId, [...(byIncident.get(entry.incidentId) ?? []), entry]);
    }
    for (const [incidentId, sent] of byIncident) {
      const copy = this.#d.mirror.get(incidentId);
      const knownSeq = copy?.timeline?.at(-1)?.seq ?? 0;
      const [timeline, effects] = await Promise.all([this.#d.remote.timeline(incidentId), this.#d.remote.listEffects(incidentId)]);
      const meanwhile = timeline.filter((e) => e.seq > knownSeq && e.actor !== me);
      const ticket = sent[0]!.ticket;
      this.#d.warn(
        `Uploaded ${sent.length === 1 ? "1 note" : `${sent.length} notes`} on ${ticket} written while the server did not answer.`,
      );
      if (meanwhile.length > 0) {
        this.#d.warn(`Meanwhile on ${ticket}:`);
        for (const e of meanwhile) this.#d.warn(`  ${e.at.slice(11, 16)} UTC  ${printable(e.actor)}: ${describeEvent(e)}`);
      }
      if (copy) this.#d.mirror.saveTimeline(copy.incident, timeline, effects, this.#d.now());
    }
  }

  #kept(incident: MirroredLike): Incident | undefined {
    return incident?.incident;
  }

  /** The incidents this clone has a copy of; with none at all, an empty answer would read as "no incident". */
  #copies(): Incident[] {
    const all = this.#d.mirror.all().map((m) => m.incident);
    if (all.length === 0)
      throw this.#refusal(
        "Reading the record",
        "This clone has no copy of the team's record yet: it keeps one of what it reads, from its first command that reaches the server.",
      );
    return all;
  }

  #find(pred: (i: Incident) => boolean): Incident | undefined {
    return this.#copies()
      .filter(pred)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  }

  #save(i: Incident | undefined): Incident | undefined {
    if (i) {
      this.#d.mirror.saveIncident(i, this.#d.now());
      this.#touched.add(i.id);
    }
    return i;
  }

  getIncident(id: string): Promise<Incident | undefined> {
    return this.#read(
      async () => this.#save(await this.#d.remote.getIncident(id)),
      () => this.#kept(this.#d.mirror.get(id)),
      (s) => s.getIncident(id),
    );
  }
  findActiveByTicket(ticket: string): Promise<Incident | undefined> {
    return this.#read(
      async () => this.#save(await this.#d.remote.findActiveByTicket(ticket)),
      () => this.#find((i) => i.ticket === ticket && !CLOSED.has(i.status)),
      (s) => s.findActiveByTicket(ticket),
    );
  }
  findByTicket(ticket: string): Promise<Incident | undefined> {
    return this.#read(
      async () => this.#save(await this.#d.remote.findByTicket(ticket)),
      () => this.#find((i) => i.ticket === ticket),
      (s) => s.findByTicket(ticket),
    );
  }
  findByBranch(branch: string): Promise<Incident | undefined> {
    return this.#read(
      async () => this.#save(await this.#d.remote.findByBranch(branch)),
      () => this.#find((i) => i.branch === branch),
      (s) => s.findByBranch(branch),
    );
  }
  listIncidents(opts: { all: boolean }): Promise<Incident[]> {
    return this.#read(
      async () => {
        const list = await this.#d.remote.listIncidents(opts);
        for (const i of list) this.#save(i);
        return list;
      },
      () =>
        this.#copies()
          .filter((i) => opts.all || !CLOSED.has(i.status))
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
      (s) => s.listIncidents(opts),
    );
  }
  timeline(incidentId: string): Promise<TimelineEvent[]> {
    return this.#read(
      async () => {
        // The effect journal is read with it, so an offline step taken from this copy knows what was done.
        const [tl, effects] = await Promise.all([this.#d.remote.timeline(incidentId), this.#d.remote.listEffects(incidentId)]);
        const copy = this.#d.mirror.get(incidentId);
        if (copy) this.#d.mirror.saveTimeline(copy.incident, tl, effects, this.#d.now());
        return tl;
      },
      () => {
        const copy = this.#d.mirror.get(incidentId);
        if (!copy?.timeline) throw this.#refusal("Reading this incident's timeline for the first time");
        // Kept notes show after the copy, marked as not yet on the server.
        let seq = copy.timeline.at(-1)?.seq ?? 0;
        const kept = this.#d.outbox
          .list()
          .filter((o) => o.incidentId === incidentId)
          .map(
            (o): TimelineEvent => ({
              incidentId,
              seq: ++seq,
              at: o.event.at,
              recordedAt: o.event.at,
              actor: o.event.actor,
              kind: o.event.kind,
              data: Object.fromEntries(
                Object.entries(o.event.data).map(([k, v]) => [
                  k,
                  (k === "text" || k === "summary") && typeof v === "string" ? `${v}${KEPT}` : v,
                ]),
              ),
              prevHash: "",
              hash: "",
            }),
          );
        return [...copy.timeline, ...kept];
      },
      (s) => s.timeline(incidentId),
    );
  }
  verifyTimeline(incidentId: string): Promise<ChainCheck> {
    return this.#write(
      "Checking the timeline's hash chain",
      () => this.#d.remote.verifyTimeline(incidentId),
      (s) => s.verifyTimeline(incidentId),
    );
  }

  async appendEvent(incidentId: string, event: NewEvent): Promise<TimelineEvent> {
    this.#touched.add(incidentId);
    if (!KEPT_OFFLINE.has(event.kind))
      return this.#write(
        doing(event.kind),
        () => this.#d.remote.appendEvent(incidentId, event),
        (s) => s.appendEvent(incidentId, event),
      );
    const uploadId = newUploadId();
    const ticket = this.#d.mirror.get(incidentId)?.incident.ticket ?? incidentId;
    if (!this.#offline) {
      // The note carries its upload id from the start: if this call reached the server but its
      // answer did not come back, the kept copy uploaded later is recognised, not added twice.
      const withId = { ...event, data: { ...event.data, uploadId } } as NewEvent;
      try {
        await this.#flush();
        return await this.#d.remote.appendEvent(incidentId, withId);
      } catch (e) {
        if (!unreachable(e)) throw e;
        this.#goOffline(e);
      }
    }
    // Once steps were taken offline, a note goes on that record with them, in the order written.
    const local = await this.#localStore();
    if (local) return local.appendEvent(incidentId, event);
    this.#d.outbox.add(incidentId, ticket, event, uploadId);
    const tl = await this.timeline(incidentId).catch(() => [] as TimelineEvent[]);
    return (
      tl.at(-1) ??
      ({
        incidentId,
        seq: 0,
        at: event.at,
        recordedAt: event.at,
        actor: event.actor,
        kind: event.kind,
        data: event.data,
        prevHash: "",
        hash: "",
      } as TimelineEvent)
    );
  }

  createIncident(input: NewIncident, first: NewEvent): Promise<Incident> {
    return this.#write(
      "Starting an incident",
      async () => this.#save(await this.#d.remote.createIncident(input, first))!,
      (s) => s.createIncident(input, first),
    );
  }
  updateIncident(id: string, patch: { status?: Incident["status"]; data?: Record<string, unknown> }, event?: NewEvent): Promise<Incident> {
    return this.#write(
      event ? `Recording ${event.kind}` : "Updating the incident",
      async () => this.#save(await this.#d.remote.updateIncident(id, patch, event))!,
      (s) => s.updateIncident(id, patch, event),
    );
  }
  getEffect(incidentId: string, key: string): Promise<EffectRecord | undefined> {
    return this.#write(
      "Reading the effect journal",
      () => this.#d.remote.getEffect(incidentId, key),
      (s) => s.getEffect(incidentId, key),
    );
  }
  listEffects(incidentId: string): Promise<EffectRecord[]> {
    return this.#write(
      "Reading the effect journal",
      () => this.#d.remote.listEffects(incidentId),
      (s) => s.listEffects(incidentId),
    );
  }
  recordIntent(...a: Parameters<Store["recordIntent"]>): Promise<EffectRecord> {
    this.#touched.add(a[0]);
    return this.#write(
      `Starting ${a[1]}`,
      () => this.#d.remote.recordIntent(...a),
      (s) => s.recordIntent(...a),
    );
  }
  annotateIntent(...a: Parameters<Store["annotateIntent"]>): Promise<void> {
    return this.#write(
      `Recording ${a[1]}`,
      () => this.#d.remote.annotateIntent(...a),
      (s) => s.annotateIntent(...a),
    );
  }
  recordOutcome(...a: Parameters<Store["recordOutcome"]>): Promise<EffectRecord> {
    this.#touched.add(a[0]);
    return this.#write(
      `Recording how ${a[1]} ended`,
      () => this.#d.remote.recordOutcome(...a),
      (s) => s.recordOutcome(...a),
    );
  }
  clearIntent(...a: Parameters<Store["clearIntent"]>): Promise<void> {
    return this.#write(
      `Clearing ${a[1]}`,
      () => this.#d.remote.clearIntent(...a),
      (s) => s.clearIntent(...a),
    );
  }
  acquireLeases(req: LeaseRequest): Promise<LeaseResult> {
    return this.#write(
      `Taking the lock for ${req.holder.command.split(" ")[0]}`,
      () => this.#d.remote.acquireLeases(req),
      (s) => s.acquireLeases(req),
    );
  }
  renewLeases(id: string, token: number, expiresAt: string): Promise<boolean> {
    return this.#write(
      "Renewing the lock",
      () => this.#d.remote.renewLeases(id, token, expiresAt),
      (s) => s.renewLeases(id, token, expiresAt),
    );
  }
  markLeaseDeploy(id: string, deploy: Lease["deploy"]): Promise<void> {
    return this.#write(
      "Recording the deploy under the lock",
      () => this.#d.remote.markLeaseDeploy(id, deploy),
      (s) => s.markLeaseDeploy(id, deploy),
    );
  }
  releaseLeases(id: string): Promise<Lease[]> {
    return this.#write(
      "Releasing the lock",
      () => this.#d.remote.releaseLeases(id),
      (s) => s.releaseLeases(id),
    );
  }
  listLeases(): Promise<Lease[]> {
    return this.#write(
      "Listing the locks",
      () => this.#d.remote.listLeases(),
      (s) => s.listLeases(),
    );
  }
  /**
   * Brings this clone's copy of each incident the command touched up to date, so the copy a later
   * outage falls back on holds this command's own steps too (what it wrote is the newest there is).
   */
  async close(): Promise<void> {
    if (!this.#offline)
      for (const id of this.#touched) {
        try {
          const [incident, timeline, effects] = await Promise.all([
            this.#d.remote.getIncident(id),
            this.#d.remote.timeline(id),
            this.#d.remote.listEffects(id),
          ]);
          if (incident) this.#d.mirror.saveTimeline(incident, timeline, effects, this.#d.now());
        } catch {
          // A copy a little behind is still a copy; the next command that reaches the server refreshes it.
        }
      }
    if (this.#record) await (await this.#record).close();
    return this.#d.remote.close();
  }
}

type MirroredLike = ReturnType<RecordMirror["get"]>;
