// The team server's record as a clone uses it, when the server may not answer. The server is
// never why a P0 stalls: when it does not answer, reads come from this clone's copy of what it
// last read (mirror.ts), said loudly with the copy's age, and notes are kept (outbox.ts) and
// uploaded by the next command that reaches the server, exactly once, followed by what others did
// meanwhile. Anything that changes the world (a lock, an effect, a status) waits for the server:
// two machines deciding alone could both ship.

import type { ChainCheck, Lease, LeaseRequest, LeaseResult, Store } from "../ports.js";
import type { EffectRecord, Incident, NewEvent, NewIncident, TimelineEvent } from "../domain/types.js";
import { FirebreakError, isFirebreakError } from "../errors.js";
import { crashPoint } from "../crash-point.js";
import { describeEvent } from "../render/describe-event.js";
import type { RecordMirror } from "./mirror.js";
import { newUploadId, type Outbox, type OutboxEntry } from "./outbox.js";
import type { RemoteStore } from "./remote-store.js";

export interface ResilientDeps {
  remote: RemoteStore;
  mirror: RecordMirror;
  outbox: Outbox;
  /** Where warnings go (stderr): the person must know they are working from a copy. */
  warn(line: string): void;
  now(): Date;
  /** Who this clone writes as (the token's name), to tell others' steps from one's own. */
  me(): string | undefined;
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

  constructor(deps: ResilientDeps) {
    this.#d = deps;
  }

  get url(): string {
    return this.#d.remote.url;
  }

  whoami() {
    return this.#d.remote.whoami();
  }

  /** Runs a read on the server; when it does not answer, answers from the copy instead. */
  async #read<T>(online: () => Promise<T>, offline: () => T): Promise<T> {
    if (!this.#offline) {
      try {
        await this.#flush();
        return await online();
      } catch (e) {
        if (!unreachable(e)) throw e;
        this.#goOffline(e);
      }
    }
    return offline();
  }

  /** Runs a write on the server; when it does not answer, nothing is written and the refusal says why. */
  async #write<T>(what: string, online: () => Promise<T>): Promise<T> {
    if (this.#offline) throw this.#refusal(what);
    await this.#flush();
    return online();
  }

  #goOffline(e: FirebreakError): void {
    this.#offline = e;
    const copies = this.#d.mirror.all();
    const newest = copies
      .map((c) => c.savedAt)
      .sort()
      .at(-1);
    this.#d.warn(
      `${e.message.replace(/: nothing was read or written there by this call\.$/, ".")} Working from this clone's copy of the record${newest ? `, read ${age(newest, this.#d.now())}` : " (none read yet)"}; notes are kept here and uploaded by the next command that reaches the server.`,
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
      next: "run the same command again once the server answers (firebreak whoami tells); with the server down for good at a P0: FIREBREAK_SERVER=off firebreak start … works on this clone's own record",
    });
  }

  /** Uploads the notes kept while the server was away, once per command, then says what others did meanwhile. */
  async #flush(): Promise<void> {
    if (this.#flushed) return;
    this.#flushed = true;
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
      const timeline = await this.#d.remote.timeline(incidentId);
      const meanwhile = timeline.filter((e) => e.seq > knownSeq && e.actor !== me);
      const ticket = sent[0]!.ticket;
      this.#d.warn(
        `Uploaded ${sent.length === 1 ? "1 note" : `${sent.length} notes`} on ${ticket} written while the server did not answer.`,
      );
      if (meanwhile.length > 0) {
        this.#d.warn(`Meanwhile on ${ticket}:`);
        for (const e of meanwhile) this.#d.warn(`  ${e.at.slice(11, 16)} UTC  ${e.actor}: ${describeEvent(e)}`);
      }
      if (copy) this.#d.mirror.saveTimeline(copy.incident, timeline, this.#d.now());
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
    );
  }
  findActiveByTicket(ticket: string): Promise<Incident | undefined> {
    return this.#read(
      async () => this.#save(await this.#d.remote.findActiveByTicket(ticket)),
      () => this.#find((i) => i.ticket === ticket && !CLOSED.has(i.status)),
    );
  }
  findByTicket(ticket: string): Promise<Incident | undefined> {
    return this.#read(
      async () => this.#save(await this.#d.remote.findByTicket(ticket)),
      () => this.#find((i) => i.ticket === ticket),
    );
  }
  findByBranch(branch: string): Promise<Incident | undefined> {
    return this.#read(
      async () => this.#save(await this.#d.remote.findByBranch(branch)),
      () => this.#find((i) => i.branch === branch),
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
    );
  }
  timeline(incidentId: string): Promise<TimelineEvent[]> {
    return this.#read(
      async () => {
        const tl = await this.#d.remote.timeline(incidentId);
        const copy = this.#d.mirror.get(incidentId);
        if (copy) this.#d.mirror.saveTimeline(copy.incident, tl, this.#d.now());
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
    );
  }
  verifyTimeline(incidentId: string): Promise<ChainCheck> {
    return this.#write("Checking the timeline's hash chain", () => this.#d.remote.verifyTimeline(incidentId));
  }

  async appendEvent(incidentId: string, event: NewEvent): Promise<TimelineEvent> {
    this.#touched.add(incidentId);
    if (!KEPT_OFFLINE.has(event.kind)) return this.#write(doing(event.kind), () => this.#d.remote.appendEvent(incidentId, event));
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
    return this.#write("Starting an incident", async () => this.#save(await this.#d.remote.createIncident(input, first))!);
  }
  updateIncident(id: string, patch: { status?: Incident["status"]; data?: Record<string, unknown> }, event?: NewEvent): Promise<Incident> {
    return this.#write(
      event ? `Recording ${event.kind}` : "Updating the incident",
      async () => this.#save(await this.#d.remote.updateIncident(id, patch, event))!,
    );
  }
  getEffect(incidentId: string, key: string): Promise<EffectRecord | undefined> {
    return this.#write("Reading the effect journal", () => this.#d.remote.getEffect(incidentId, key));
  }
  listEffects(incidentId: string): Promise<EffectRecord[]> {
    return this.#write("Reading the effect journal", () => this.#d.remote.listEffects(incidentId));
  }
  recordIntent(...a: Parameters<Store["recordIntent"]>): Promise<EffectRecord> {
    this.#touched.add(a[0]);
    return this.#write(`Starting ${a[1]}`, () => this.#d.remote.recordIntent(...a));
  }
  annotateIntent(...a: Parameters<Store["annotateIntent"]>): Promise<void> {
    return this.#write(`Recording ${a[1]}`, () => this.#d.remote.annotateIntent(...a));
  }
  recordOutcome(...a: Parameters<Store["recordOutcome"]>): Promise<EffectRecord> {
    this.#touched.add(a[0]);
    return this.#write(`Recording how ${a[1]} ended`, () => this.#d.remote.recordOutcome(...a));
  }
  clearIntent(...a: Parameters<Store["clearIntent"]>): Promise<void> {
    return this.#write(`Clearing ${a[1]}`, () => this.#d.remote.clearIntent(...a));
  }
  acquireLeases(req: LeaseRequest): Promise<LeaseResult> {
    return this.#write(`Taking the lock for ${req.holder.command.split(" ")[0]}`, () => this.#d.remote.acquireLeases(req));
  }
  renewLeases(id: string, token: number, expiresAt: string): Promise<boolean> {
    return this.#write("Renewing the lock", () => this.#d.remote.renewLeases(id, token, expiresAt));
  }
  markLeaseDeploy(id: string, deploy: Lease["deploy"]): Promise<void> {
    return this.#write("Recording the deploy under the lock", () => this.#d.remote.markLeaseDeploy(id, deploy));
  }
  releaseLeases(id: string): Promise<Lease[]> {
    return this.#write("Releasing the lock", () => this.#d.remote.releaseLeases(id));
  }
  listLeases(): Promise<Lease[]> {
    return this.#write("Listing the locks", () => this.#d.remote.listLeases());
  }
  /**
   * Brings this clone's copy of each incident the command touched up to date, so the copy a later
   * outage falls back on holds this command's own steps too (what it wrote is the newest there is).
   */
  async close(): Promise<void> {
    if (!this.#offline)
      for (const id of this.#touched) {
        try {
          const [incident, timeline] = await Promise.all([this.#d.remote.getIncident(id), this.#d.remote.timeline(id)]);
          if (incident) this.#d.mirror.saveTimeline(incident, timeline, this.#d.now());
        } catch {
          // A copy a little behind is still a copy; the next command that reaches the server refreshes it.
        }
      }
    return this.#d.remote.close();
  }
}

type MirroredLike = ReturnType<RecordMirror["get"]>;
