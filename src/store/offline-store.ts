// The record as a command sees it while the team server does not answer and this clone has taken
// (or is taking) steps without it: the offline record (offline-record.ts), each change kept first
// in the journal (offline-journal.ts) to be made on the server later. A step that needs a lock or
// the effect journal is taken only when the person said why (--offline --reason "…"), and the
// reason goes on the incident's timeline before the first such step. The rules the server would
// apply to this token, as saved at login, are applied here too: a responder does not roll back
// and an agent does not approve just because the server is down.

import type { ChainCheck, Lease, LeaseRequest, LeaseResult, Store } from "../ports.js";
import type { EffectRecord, Incident, NewEvent, NewIncident, TimelineEvent } from "../domain/types.js";
import { FirebreakError } from "../errors.js";
import { leaseRule, ownFixCommits, roleAtLeast, writeRule, type Role, type WriteRule } from "../domain/access.js";
import { incidentState } from "../domain/state/state.js";
import type { WhoAmI } from "./remote-protocol.js";
import type { OfflineRecord } from "./offline-record.js";
import { eventOf, type JournaledCall, type OfflineJournal } from "./offline-journal.js";
import { crashPoint } from "../crash-point.js";

/** What a person says rather than does: kept offline without a reason, like a note on paper. */
const SAID = new Set(["note", "impact.noted"]);

export interface OfflineStoreDeps {
  record: OfflineRecord;
  journal: OfflineJournal;
  /** Why the server is gone without: --reason; none means only notes may be kept. */
  reason: string | undefined;
  server: string;
  /** The token's name, role and kind as saved at login; null when never saved. */
  who: WhoAmI | null;
  /** The command as typed, for the timeline's record of why it worked offline. */
  command: string;
  /** The refusal a step without --reason gets: said the same way as every other offline refusal. */
  refusal(what: string): FirebreakError;
  now(): Date;
}

export class OfflineStore implements Store {
  readonly #d: OfflineStoreDeps;
  readonly #s: Store;
  /** The incidents this command has already recorded its reason on. */
  readonly #marked = new Set<string>();

  constructor(deps: OfflineStoreDeps) {
    this.#d = deps;
    this.#s = deps.record.store;
  }

  // Reads: the offline record holds the copies and every step taken offline, in order.
  getIncident(id: string): Promise<Incident | undefined> {
    return this.#s.getIncident(id);
  }
  findActiveByTicket(ticket: string): Promise<Incident | undefined> {
    return this.#s.findActiveByTicket(ticket);
  }
  findByTicket(ticket: string): Promise<Incident | undefined> {
    return this.#s.findByTicket(ticket);
  }
  findByBranch(branch: string): Promise<Incident | undefined> {
    return this.#s.findByBranch(branch);
  }
  listIncidents(opts: { all: boolean }): Promise<Incident[]> {
    return this.#s.listIncidents(opts);
  }
  timeline(incidentId: string): Promise<TimelineEvent[]> {
    return this.#s.timeline(incidentId);
  }
  verifyTimeline(incidentId: string): Promise<ChainCheck> {
    return this.#s.verifyTimeline(incidentId);
  }
  getEffect(incidentId: string, key: string): Promise<EffectRecord | undefined> {
    return this.#s.getEffect(incidentId, key);
  }
  listEffects(incidentId: string): Promise<EffectRecord[]> {
    return this.#s.listEffects(incidentId);
  }

  /** Whether a step may be taken here, by the token's saved role and kind; throws when not. */
  #allow(what: string, rule: WriteRule, said: boolean): void {
    if (!said && this.#d.reason === undefined) throw this.#d.refusal(what);
    const who = this.#d.who;
    if (!who) return;
    if (!roleAtLeast(who.role as Role, rule.role))
      throw new FirebreakError({
        code: "SERVER_FORBIDDEN",
        message: `${who.name} is ${/^[aeiou]/.test(who.role) ? "an" : "a"} ${who.role}: ${rule.what} needs the ${rule.role} role or above, with the team server or without it.`,
        next: `ask a ${rule.role} to run it`,
      });
    if (rule.person && who.kind !== "person")
      throw new FirebreakError({
        code: "SERVER_FORBIDDEN",
        message: `${who.name} is an ${who.kind} token: ${rule.what} is a person's decision, with the team server or without it.`,
        next: `ask a person to run it with their own token`,
      });
  }

  /** Keeps the call in the journal, then makes it here; a call refused here is not kept. */
  async #keep<T>(incidentId: string, ticket: string, call: JournaledCall, run: (call: JournaledCall) => Promise<T>): Promise<T> {
    const e = eventOf(call);
    const rule = e ? writeRule(e.kind) : { role: "responder" as Role, what: `recording ${call.method}` };
    this.#allow(e ? `Recording ${e.kind}` : "Updating the incident", rule, !!e && SAID.has(e.kind));
    if (e?.kind === "review.approved" && this.#d.who) {
      const mine = ownFixCommits(incidentState(await this.#s.timeline(incidentId)), this.#d.who.name);
      if (mine.length > 0)
        throw new FirebreakError({
          code: "SERVER_FORBIDDEN",
          message: `${this.#d.who.name} made a commit of ${ticket}'s fix: an approval must come from someone else.`,
          next: "ask another approver to review the fix",
        });
    }
    if (e && !SAID.has(e.kind)) await this.#mark(incidentId, ticket);
    const entry = this.#d.journal.keep({
      incidentId,
      ticket,
      actor: e?.actor ?? this.#d.who?.name ?? "",
      reason: this.#d.reason ?? "",
      call,
    });
    crashPoint("offline-journal", "after-keep");
    try {
      return await run(entry.call);
    } catch (err) {
      this.#d.journal.remove(entry.uploadId);
      throw err;
    }
  }

  /** Puts why this command works without the server on the incident's timeline, once per command. */
  async #mark(incidentId: string, ticket: string): Promise<void> {
    if (this.#marked.has(incidentId) || this.#d.reason === undefined) return;
    this.#marked.add(incidentId);
    const event = {
      at: this.#d.now().toISOString(),
      actor: this.#d.who?.name ?? "firebreak",
      kind: "offline.started",
      data: { reason: this.#d.reason, server: this.#d.server, command: this.#d.command },
    } as NewEvent;
    const entry = this.#d.journal.keep({
      incidentId,
      ticket,
      actor: event.actor,
      reason: this.#d.reason,
      call: { method: "appendEvent", args: [incidentId, event] },
    });
    const kept = entry.call as Extract<JournaledCall, { method: "appendEvent" }>;
    await this.#s.appendEvent(...kept.args);
  }

  async #ticket(incidentId: string): Promise<string> {
    return (await this.#s.getIncident(incidentId))?.ticket ?? incidentId;
  }

  async createIncident(input: NewIncident, first: NewEvent): Promise<Incident> {
    this.#allow("Starting an incident", writeRule(first.kind), false);
    // The id is made by the record, so the kept call names it only after: a kill in between
    // leaves a start with no id here, which the upload still makes on the server.
    const entry = this.#d.journal.keep({
      incidentId: "",
      ticket: input.ticket,
      actor: first.actor,
      reason: this.#d.reason ?? "",
      call: { method: "createIncident", args: [input, first] },
    });
    const kept = entry.call as Extract<JournaledCall, { method: "createIncident" }>;
    let created: Incident;
    try {
      created = await this.#s.createIncident(...kept.args);
    } catch (err) {
      this.#d.journal.remove(entry.uploadId);
      throw err;
    }
    this.#d.journal.put({ ...entry, incidentId: created.id });
    await this.#mark(created.id, created.ticket);
    return created;
  }
  async updateIncident(
    id: string,
    patch: { status?: Incident["status"]; data?: Record<string, unknown> },
    event?: NewEvent,
  ): Promise<Incident> {
    const call: JournaledCall = { method: "updateIncident", args: event ? [id, patch, event] : [id, patch] };
    return this.#keep(id, await this.#ticket(id), call, (c) => this.#s.updateIncident(...(c.args as Parameters<Store["updateIncident"]>)));
  }
  async appendEvent(incidentId: string, event: NewEvent): Promise<TimelineEvent> {
    const call: JournaledCall = { method: "appendEvent", args: [incidentId, event] };
    return this.#keep(incidentId, await this.#ticket(incidentId), call, (c) =>
      this.#s.appendEvent(...(c.args as Parameters<Store["appendEvent"]>)),
    );
  }
  async recordIntent(...a: Parameters<Store["recordIntent"]>): Promise<EffectRecord> {
    return this.#keep(a[0], await this.#ticket(a[0]), { method: "recordIntent", args: a }, (c) =>
      this.#s.recordIntent(...(c.args as Parameters<Store["recordIntent"]>)),
    );
  }
  async annotateIntent(...a: Parameters<Store["annotateIntent"]>): Promise<void> {
    return this.#keep(a[0], await this.#ticket(a[0]), { method: "annotateIntent", args: a }, (c) =>
      this.#s.annotateIntent(...(c.args as Parameters<Store["annotateIntent"]>)),
    );
  }
  async recordOutcome(...a: Parameters<Store["recordOutcome"]>): Promise<EffectRecord> {
    return this.#keep(a[0], await this.#ticket(a[0]), { method: "recordOutcome", args: a }, (c) =>
      this.#s.recordOutcome(...(c.args as Parameters<Store["recordOutcome"]>)),
    );
  }
  async clearIntent(...a: Parameters<Store["clearIntent"]>): Promise<void> {
    return this.#keep(a[0], await this.#ticket(a[0]), { method: "clearIntent", args: a }, (c) =>
      this.#s.clearIntent(...(c.args as Parameters<Store["clearIntent"]>)),
    );
  }

  // Locks are taken on this machine only: they keep this clone's own commands apart. Two machines
  // both offline are not kept apart, which is why a reason is required and recorded.
  async acquireLeases(req: LeaseRequest): Promise<LeaseResult> {
    this.#allow(`Taking the lock for ${req.holder.command.split(" ")[0]}`, leaseRule(req.holder.command), false);
    return this.#s.acquireLeases(req);
  }
  renewLeases(id: string, token: number, expiresAt: string): Promise<boolean> {
    return this.#s.renewLeases(id, token, expiresAt);
  }
  markLeaseDeploy(id: string, deploy: Lease["deploy"]): Promise<void> {
    return this.#s.markLeaseDeploy(id, deploy);
  }
  releaseLeases(id: string): Promise<Lease[]> {
    return this.#s.releaseLeases(id);
  }
  listLeases(): Promise<Lease[]> {
    return this.#s.listLeases();
  }

  close(): Promise<void> {
    return this.#d.record.close();
  }
}
