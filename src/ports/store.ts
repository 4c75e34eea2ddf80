// The record: incidents, their hash-chained timeline, the effect journal and the leases, in SQLite
// (one file in the repository's git directory) or PostgreSQL (a team's shared database). Adapters
// in src/store/. Every write that belongs together happens in one transaction.

import type { EffectRecord, Incident, NewEvent, NewIncident, TimelineEvent } from "../domain/types.js";
import type { Fence, Locks } from "./locks.js";

export interface ChainCheck {
  ok: boolean;
  checked: number; // events checked
  /** The first bad event and what is wrong with it, when ok is false. */
  problem?: { seq: number; reason: "edited" | "deleted" | "reordered" | "inserted" };
}

/** What finding the incident a command is about needs: the fast read-only `status` reader has just this. */
export type IncidentFinder = Pick<Store, "findByTicket" | "findByBranch" | "listIncidents">;

/** The store keeps the leases too, so an intent is written only under a lease that is still current. */
export interface Store extends Locks {
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

  close(): Promise<void>;
}
