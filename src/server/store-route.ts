// The record on the team server, for the CLI: `POST /store/<method>` runs one Store method for an
// authenticated caller, so every CLI command works on the shared record unchanged while its
// effects (git push, deploy) run where the command runs. The server decides, not the client:
// - what the caller may see (a hidden incident answers exactly like a missing one);
// - what the caller may write (domain/access.ts: writeRule per event kind, leaseRule per lock);
// - who wrote it (every event's actor, and an approval's or a waiver's `by`, is the token's name);
// - which team's record it is: the token's team, never anything the client sends.

import type { Context } from "hono";
import { leaseRule, writeRule, type WriteRule } from "../domain/access.js";
import { requirePerson } from "../domain/actor.js";
import type { Incident, NewEvent } from "../domain/types.js";
import { E, FirebreakError } from "../errors.js";
import type { Lease, LeaseRequest, Store } from "../ports.js";
import {
  isStoreMethod,
  isStoreRead,
  STORE_READS,
  STORE_WRITES,
  type StoreMethod,
  type WireLeaseRequest,
} from "../store/remote-protocol.js";
import type { ServerRecords } from "../store/server-records.js";
import { canSee, isPrivate, refuseOwnFix, requireRole, type Caller } from "./access.js";

export interface StoreRouteDeps {
  /** Every team's record: each call uses only its caller's team's view. */
  store: Store & { forTeam(team: string): Store };
  /** The server's records: each call uses only its caller's team's. */
  records: ServerRecords;
  /** After a write to an incident's timeline: wake the live feed and the other replicas. */
  written(incidentId: string): Promise<void>;
}

type Args = unknown[];

/** One team's share of StoreRouteDeps: what a call of that team's caller works on. */
interface TeamDeps {
  store: Store;
  records: ServerRecords;
  written(incidentId: string): Promise<void>;
}

const noIncident = (ref: string) =>
  new FirebreakError({ code: "NO_INCIDENT", message: `No incident ${ref} that this token may see.`, next: "firebreak list" });

/** A lease as told to a caller who may not see its incident: its name, and nobody's run. */
const unseenHolder = (held: Lease): Lease => ({
  id: "",
  name: held.name,
  token: 0,
  actor: "",
  command: "",
  ticket: "",
  host: "",
  pid: 0,
  since: "",
  expiresAt: "",
  deploy: null,
});

/** Runs one store call for the caller; the answer is JSON (undefined becomes null). */
export async function runStoreCall(deps: StoreRouteDeps, caller: Caller, method: string, args: Args): Promise<unknown> {
  if (!isStoreMethod(method)) throw new FirebreakError({ code: "SERVER_NOT_FOUND", message: `The record has no operation "${method}".` });
  const team = caller.token.team;
  const mine: TeamDeps = { store: deps.store.forTeam(team), records: deps.records.forTeam(team), written: deps.written };
  const call = new StoreCall(mine, caller);
  try {
    const result = isStoreRead(method) ? await call.read(method, args) : await call.write(method, args);
    return result === undefined ? null : result;
  } catch (e) {
    // Every refused write is on the audit log, with what was asked.
    if (!isStoreRead(method) && e instanceof FirebreakError && ["SERVER_FORBIDDEN", "PERSON_REQUIRED"].includes(e.code))
      await mine.records.audit(caller.token.name, "refused", `store.${method}`, { code: e.code });
    throw e;
  }
}

/**
 * The record as one caller may see and write it, behind the Store port: what a face on the server
 * (the MCP tools over HTTP) hands the core, so the same visibility, roles and actor apply to it as
 * to the CLI's calls. A lock taken this way takes over only a lease whose heartbeat stopped.
 */
export function storeAs(deps: StoreRouteDeps, caller: Caller): Store {
  const call =
    (method: StoreMethod) =>
    async (...args: unknown[]) => {
      // A lease request crosses as on the wire: its takeover rule is the server's (expired heartbeats).
      const req = args[0] as LeaseRequest;
      const wire: unknown[] =
        method === "acquireLeases"
          ? [
              {
                id: req.id,
                names: req.names,
                holder: req.holder,
                now: req.now,
                expiresAt: req.expiresAt,
                takeOver: [],
              } satisfies WireLeaseRequest,
            ]
          : args;
      const result = await runStoreCall(deps, caller, method, wire);
      return result === null ? undefined : result;
    };
  const store = Object.fromEntries([...STORE_READS, ...STORE_WRITES].map((m) => [m, call(m)])) as unknown as Store;
  // The server's store outlives the request that borrowed it.
  return Object.assign(store, { close: async () => undefined });
}

/** Reads the JSON body `{ args: [...] }` of a store call. */
export async function storeCallArgs(c: Context): Promise<Args> {
  const body = (await c.req.json().catch(() => null)) as { args?: unknown } | null;
  if (!body || !Array.isArray(body.args))
    throw new FirebreakError({ code: "USAGE", message: 'A store call takes a JSON body { "args": [...] }.' });
  return body.args;
}

class StoreCall {
  readonly #store: Store;
  readonly #deps: TeamDeps;
  readonly #caller: Caller;
  constructor(deps: TeamDeps, caller: Caller) {
    this.#deps = deps;
    this.#store = deps.store;
    this.#caller = caller;
  }

  get #name(): string {
    return this.#caller.token.name;
  }

  #visible(i: Incident | undefined): Incident | undefined {
    return i && canSee(this.#caller, i) ? i : undefined;
  }

  async #incident(id: unknown): Promise<Incident> {
    const i = this.#visible(await this.#store.getIncident(String(id)));
    if (!i) throw noIncident(String(id));
    return i;
  }

  async read(method: StoreMethod, a: Args): Promise<unknown> {
    const s = this.#store;
    switch (method) {
      case "getIncident":
        return this.#visible(await s.getIncident(String(a[0])));
      case "findActiveByTicket":
        return this.#visible(await s.findActiveByTicket(String(a[0])));
      case "findByTicket":
        return this.#visible(await s.findByTicket(String(a[0])));
      case "findByBranch":
        return this.#visible(await s.findByBranch(String(a[0])));
      case "listIncidents":
        return (await s.listIncidents({ all: Boolean((a[0] as { all?: unknown } | undefined)?.all) })).filter((i) =>
          canSee(this.#caller, i),
        );
      case "timeline":
        return s.timeline((await this.#incident(a[0])).id);
      case "verifyTimeline":
        return s.verifyTimeline((await this.#incident(a[0])).id);
      case "getEffect":
        return s.getEffect((await this.#incident(a[0])).id, String(a[1]));
      case "listEffects":
        return s.listEffects((await this.#incident(a[0])).id);
      case "listLeases":
        return this.#visibleLeases(await s.listLeases());
      default:
        throw new FirebreakError({ code: "SERVER_NOT_FOUND", message: `The record has no read "${method}".` });
    }
  }

  /** A lock names its incident's ticket: a private incident's locks are its members' business. */
  async #visibleLeases(leases: Lease[]): Promise<Lease[]> {
    const seen = new Map<string, boolean>();
    const out: Lease[] = [];
    for (const l of leases) {
      if (!seen.has(l.ticket)) seen.set(l.ticket, Boolean(this.#visible(await this.#store.findByTicket(l.ticket))));
      if (seen.get(l.ticket)) out.push(l);
    }
    return out;
  }

  /** Refuses unless the caller's role, and for a person's decision the token's kind, allow it. */
  #allow(rule: WriteRule): void {
    requireRole(this.#caller, rule.role, rule.what);
    if (rule.person) requirePerson(this.#caller.token.kind, rule.person, this.#name);
  }

  /** The event as the server records it: written by the caller, whatever the client said. */
  async #event(incident: Incident, e: NewEvent): Promise<NewEvent> {
    const rule = writeRule(e.kind);
    this.#allow(rule);
    if (e.kind === "review.approved") refuseOwnFix(this.#caller, incident, await this.#store.timeline(incident.id));
    const data = e.data as Record<string, unknown>;
    const decided = e.kind === "review.approved" || e.kind === "approval.waived";
    return { ...e, actor: this.#name, ...(decided ? { data: { ...data, by: this.#name } } : {}) } as NewEvent;
  }

  /**
   * A start, refused without a word about an open incident of the same ticket that the caller may
   * not see. One open incident per ticket stays the rule for everyone: a second one beside a
   * private incident would be found by its members' commands that name the ticket (a commander
   * sees both), so their notes and ships could land on the wrong one, and the locks, tags and
   * backport branches named after the ticket would be shared. So a non-member's start of that
   * ticket is refused, and all it says is what they typed: the ticket is in progress. Not the
   * title, id, branch, level, starter or time, and not a 403 "not a member": the same code a
   * visible duplicate gets (TICKET_IN_PROGRESS). That the ticket is taken is the one thing it
   * tells, which a refusal cannot avoid; the refusal goes on the audit log, so a probe is seen.
   */
  async #start(input: Parameters<Store["createIncident"]>[0], first: NewEvent): Promise<Incident> {
    const hidden = async (): Promise<Incident | undefined> => {
      const open = await this.#store.findActiveByTicket(input.ticket);
      return open && !canSee(this.#caller, open) ? open : undefined;
    };
    const refuse = async (open: Incident): Promise<never> => {
      await this.#deps.records.audit(this.#name, "refused", "store.createIncident", { ticket: input.ticket, hidden: open.id });
      throw E.ticketTaken(input.ticket);
    };
    const before = await hidden();
    if (before) return refuse(before);
    try {
      return await this.#store.createIncident(input, first);
    } catch (e) {
      // Started by a member between the check and the write: the store's refusal names its branch.
      const meanwhile = e instanceof FirebreakError && e.code === "TICKET_IN_PROGRESS" ? await hidden() : undefined;
      if (meanwhile) return refuse(meanwhile);
      throw e;
    }
  }

  async write(method: StoreMethod, a: Args): Promise<unknown> {
    const s = this.#store;
    switch (method) {
      case "createIncident": {
        this.#allow({ role: "responder", what: "starting an incident" });
        if (this.#caller.token.incidentScope !== null)
          throw new FirebreakError({
            code: "SERVER_FORBIDDEN",
            message: `${this.#name}'s token is limited to one incident, so it cannot start another.`,
          });
        const created = await this.#start(
          a[0] as Parameters<Store["createIncident"]>[0],
          {
            ...(a[1] as NewEvent),
            actor: this.#name,
          } as NewEvent,
        );
        // Whoever starts a private incident is its first member, or they could not see their own work.
        if (isPrivate(created) && (await this.#deps.records.addMember(created.id, this.#name, this.#name)))
          await this.#deps.records.audit(this.#name, "member.added", created.id, { member: this.#name, ticket: created.ticket });
        await this.#deps.written(created.id);
        return created;
      }
      case "updateIncident": {
        const incident = await this.#incident(a[0]);
        const event = a[2] ? await this.#event(incident, a[2] as NewEvent) : undefined;
        if (!event) this.#allow({ role: "responder", what: "updating an incident" });
        const updated = await s.updateIncident(incident.id, a[1] as Parameters<Store["updateIncident"]>[1], event);
        if (event) await this.#afterDecision(incident, event);
        await this.#deps.written(incident.id);
        return updated;
      }
      case "appendEvent": {
        const incident = await this.#incident(a[0]);
        const event = await this.#event(incident, a[1] as NewEvent);
        // A note kept while the server did not answer carries an upload id: uploaded again after a
        // kill, it is answered with the event already recorded, never added twice.
        const uploadId = (event.data as Record<string, unknown>).uploadId;
        if (typeof uploadId === "string") {
          const had = (await s.timeline(incident.id)).find((e) => e.data.uploadId === uploadId);
          if (had) return had;
        }
        const appended = await s.appendEvent(incident.id, event);
        await this.#afterDecision(incident, event);
        await this.#deps.written(incident.id);
        return appended;
      }
      case "recordIntent": {
        const incident = await this.#incident(a[0]);
        const event = await this.#event(incident, a[3] as NewEvent);
        const fence = (a[4] ?? undefined) as Parameters<Store["recordIntent"]>[4];
        const r = await s.recordIntent(incident.id, String(a[1]), a[2] as Record<string, unknown>, event, fence);
        await this.#deps.written(incident.id);
        return r;
      }
      case "annotateIntent": {
        const incident = await this.#incident(a[0]);
        this.#allow({ role: "responder", what: "annotating an effect" });
        return s.annotateIntent(incident.id, String(a[1]), a[2] as Record<string, unknown>);
      }
      case "recordOutcome": {
        const incident = await this.#incident(a[0]);
        const event = await this.#event(incident, a[3] as NewEvent);
        const r = await s.recordOutcome(incident.id, String(a[1]), a[2] as Parameters<Store["recordOutcome"]>[2], event);
        await this.#deps.written(incident.id);
        return r;
      }
      case "clearIntent": {
        const incident = await this.#incident(a[0]);
        const event = await this.#event(incident, a[2] as NewEvent);
        await s.clearIntent(incident.id, String(a[1]), event, (a[3] ?? undefined) as Parameters<Store["clearIntent"]>[3]);
        await this.#deps.written(incident.id);
        return null;
      }
      case "acquireLeases":
        return this.#acquire(a[0] as WireLeaseRequest);
      case "renewLeases":
        this.#allow({ role: "responder", what: "renewing a lock" });
        return s.renewLeases(String(a[0]), Number(a[1]), String(a[2]));
      case "markLeaseDeploy":
        this.#allow({ role: "responder", what: "recording a deploy under a lock" });
        return s.markLeaseDeploy(String(a[0]), (a[1] ?? null) as Parameters<Store["markLeaseDeploy"]>[1]);
      case "releaseLeases":
        this.#allow({ role: "responder", what: "releasing a lock" });
        return s.releaseLeases(String(a[0]));
      default:
        throw new FirebreakError({ code: "SERVER_NOT_FOUND", message: `The record has no write "${method}".` });
    }
  }

  /** Approvals and waivers go on the audit log too, as the JSON routes' do. */
  async #afterDecision(incident: Incident, e: NewEvent): Promise<void> {
    if (e.kind === "review.approved") await this.#deps.records.audit(this.#name, "approval", incident.id, { ticket: incident.ticket });
    if (e.kind === "approval.waived") await this.#deps.records.audit(this.#name, "waiver", incident.id, { ticket: incident.ticket });
  }

  async #acquire(req: WireLeaseRequest) {
    this.#allow(leaseRule(req.holder.command));
    // A lock may name a ticket no incident has (a backport of a commit on its own), so a ticket the
    // caller may not see is taken like one that has no incident: refusing it would tell them it exists.
    const proved = new Set((req.takeOver ?? []).map((t) => `${t.id}#${t.token}`));
    const now = Date.now();
    const got = await this.#store.acquireLeases({
      id: req.id,
      names: req.names,
      holder: { ...req.holder, actor: this.#name },
      now: req.now,
      expiresAt: req.expiresAt,
      // Taken over only when its heartbeat stopped, or the caller proved on its own host that the
      // holder is gone (and named exactly that holder, so a newer one is never taken by mistake).
      canTakeOver: (held) => (held.expiresAt !== "" && Date.parse(held.expiresAt) < now) || proved.has(`${held.id}#${held.token}`),
    });
    if (got.ok) return got;
    const owner = await this.#store.findByTicket(got.held.ticket);
    if (!owner || canSee(this.#caller, owner)) return got;
    // Held for an incident the caller may not see (an environment a private incident deploys to):
    // they learn that it is locked, not whose run, what ticket, or the lock's id to unlock it with.
    return { ok: false as const, held: unseenHolder(got.held) };
  }
}
