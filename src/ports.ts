// The interfaces the outside world is reached through. Adapters implement them; commands receive
// only the ports they use, built in src/app/. Tests pass real implementations (git, SQLite,
// PostgreSQL) or, for services this machine cannot reach, contract fakes.

import type { EffectRecord, Incident, NewEvent, NewIncident, TimelineEvent } from "./domain/types.js";

export interface Clock {
  now(): Date;
}

export interface ChainCheck {
  ok: boolean;
  checked: number; // events checked
  /** The first bad event and what is wrong with it, when ok is false. */
  problem?: { seq: number; reason: "edited" | "deleted" | "reordered" | "inserted" };
}

/** Who holds a lease: shown to whoever is refused, so they know whom to ask. */
export interface LeaseHolder {
  actor: string;
  command: string; // "ship --to production"
  ticket: string;
  host: string;
  pid: number;
}

/** A deploy running under a lease: its process group (on `host`) and where its output goes. */
export interface DeployMark {
  pgid: number;
  host: string;
  /** The redacted log people read. */
  log: string;
  /** The raw output file the deploy writes to (it outlives Firebreak); removed once relayed. */
  spool: string;
  startedAt: string;
}

export interface Lease extends LeaseHolder {
  id: string; // lk_ and 8 hex digits; one id for the names taken together
  name: string; // "incident-ENG-1234", "env-production"
  /** Grows with every acquisition of this name: a holder whose token is not current lost it. */
  token: number;
  since: string;
  expiresAt: string;
  deploy: DeployMark | null;
}

/** Proof of holding leases, checked by the store before an intent is written or cleared. */
export interface Fence {
  token: number;
  names: string[];
}

export interface LeaseRequest {
  id: string;
  names: string[];
  holder: LeaseHolder;
  now: string;
  expiresAt: string;
  /** Decides, inside the transaction that then takes it, whether a held lease may be taken over. */
  canTakeOver(held: Lease): boolean;
}

export type LeaseResult = { ok: true; token: number; tookOver: Lease[] } | { ok: false; held: Lease };

export interface Store {
  /** Creates the incident and its first timeline event ("incident.started") in one transaction. */
  createIncident(input: NewIncident, first: NewEvent): Promise<Incident>;
  getIncident(id: string): Promise<Incident | undefined>;
  /** The incident for this ticket that is not resolved or abandoned, if any. */
  findActiveByTicket(ticket: string): Promise<Incident | undefined>;
  /** The newest incident for this ticket, whatever its status. */
  findByTicket(ticket: string): Promise<Incident | undefined>;
  findByBranch(branch: string): Promise<Incident | undefined>;
  listIncidents(opts: { all: boolean }): Promise<Incident[]>;
  /**
   * Updates status and shallow-merges `data`, appending `event` in the same transaction so the
   * record and its timeline never disagree.
   */
  updateIncident(id: string, patch: { status?: Incident["status"]; data?: Record<string, unknown> }, event?: NewEvent): Promise<Incident>;

  appendEvent(incidentId: string, event: NewEvent): Promise<TimelineEvent>;
  timeline(incidentId: string): Promise<TimelineEvent[]>;
  verifyTimeline(incidentId: string): Promise<ChainCheck>;

  getEffect(incidentId: string, key: string): Promise<EffectRecord | undefined>;
  listEffects(incidentId: string): Promise<EffectRecord[]>;
  /**
   * Writes the intent and its timeline event in one transaction. Fails if the key exists, or when
   * `fence` is given and its token is no longer current for every one of its names.
   */
  recordIntent(incidentId: string, key: string, intent: Record<string, unknown>, event: NewEvent, fence?: Fence): Promise<EffectRecord>;
  /** Adds fields to an intent that is still in flight (a deploy's process group, right after it starts). */
  annotateIntent(incidentId: string, key: string, patch: Record<string, unknown>): Promise<void>;
  /** Writes the outcome (done or possibly-done) and its timeline event in one transaction. */
  recordOutcome(
    incidentId: string,
    key: string,
    outcome: { state: "done" | "possibly-done"; result: Record<string, unknown> | null },
    event: NewEvent,
  ): Promise<EffectRecord>;
  /** Forgets an effect that reconciliation proved never happened, so it can be performed. */
  clearIntent(incidentId: string, key: string, event: NewEvent, fence?: Fence): Promise<void>;

  /** Takes every name or none, in one transaction: a free or takeable row gets the next token. */
  acquireLeases(req: LeaseRequest): Promise<LeaseResult>;
  /** Moves the expiry of the leases held as `id` with `token`; false when they were lost. */
  renewLeases(id: string, token: number, expiresAt: string): Promise<boolean>;
  /** Records (or clears, with null) the deploy running under the leases held as `id`. */
  markLeaseDeploy(id: string, deploy: DeployMark | null): Promise<void>;
  /** Frees the leases held as `id`; returns what was freed (empty when none). */
  releaseLeases(id: string): Promise<Lease[]>;
  listLeases(): Promise<Lease[]>;

  close(): Promise<void>;
}
