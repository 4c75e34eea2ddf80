// The team server's decisions, shared by every face that authenticates its own callers (the JSON
// routes, the dashboard, the Slack app): an approval or a waiver made
// through the core (recordApproval with the own-fix rule, waive with its reason) with the caller as
// the actor and its kind passed on, so an agent or a service is refused by the core itself.

import type { Incident } from "../domain/types.js";
import { isFirebreakError } from "../errors.js";
import type { Clock, Store } from "../ports.js";
import type { ServerRecords } from "../store/server-records.js";
import { recordApproval } from "../workflow/pr.js";
import { waive } from "../workflow/waive.js";
import { confirmPlan, type ConfirmVia } from "../workflow/plans.js";
import { refuseOwnFix, type Caller } from "./access.js";
import { pushedHead } from "../domain/state/facts.js";

export interface DecisionDeps {
  store: Store;
  records: ServerRecords;
  clock: Clock;
}

export async function approveAs(d: DecisionDeps, caller: Caller, incident: Incident, input: { note?: string; sha?: string }) {
  try {
    const events = await d.store.timeline(incident.id);
    refuseOwnFix(caller, incident, events);
    // The commit approved is the one last pushed for review: a later push needs approving again.
    const sha = input.sha ?? pushedHead(events, incident.branch);
    const done = await recordApproval(
      { store: d.store, clock: d.clock, actor: caller.token.name, actorKind: caller.token.kind },
      incident,
      { by: caller.token.name, ...input, ...(sha ? { sha } : {}) },
    );
    await d.records.audit(caller.token.name, "approval", incident.id, { ticket: incident.ticket, sha: done.sha });
    return done;
  } catch (e) {
    if (isFirebreakError(e)) await d.records.audit(caller.token.name, "refused", incident.id, { what: "approve", code: e.code });
    throw e;
  }
}

export async function waiveAs(d: DecisionDeps, caller: Caller, incident: Incident, input: { item: string; reason: string }) {
  try {
    const w = await waive(
      { store: d.store, clock: d.clock, actor: caller.token.name, actorKind: caller.token.kind },
      { incident, ...input },
    );
    await d.records.audit(caller.token.name, "waiver", incident.id, { ticket: incident.ticket, item: w.item, reason: w.reason });
    return w;
  } catch (e) {
    if (isFirebreakError(e)) await d.records.audit(caller.token.name, "refused", incident.id, { what: "waive", code: e.code });
    throw e;
  }
}

/**
 * A commander's confirmation of a plan an agent made (a rollback, a ship): the server holds no
 * repository to run it, so this confirmation is what lets the agent apply it. Through the core's
 * confirmPlan, so an agent or a service is refused whatever face it came through.
 */
export async function confirmPlanAs(d: DecisionDeps, caller: Caller, incident: Incident, planId: string, via: ConfirmVia) {
  try {
    const found = await confirmPlan(
      { store: d.store, clock: d.clock, actor: caller.token.name, actorKind: caller.token.kind, head: async () => null },
      incident,
      planId,
      via,
    );
    await d.records.audit(caller.token.name, "plan.confirmed", incident.id, { plan: planId, step: found.plan.step, via });
    return found;
  } catch (e) {
    if (isFirebreakError(e)) await d.records.audit(caller.token.name, "refused", incident.id, { what: "confirm a plan", code: e.code });
    throw e;
  }
}
