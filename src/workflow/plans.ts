// Plan, then apply: an irreversible step an agent asks for is first recorded as a plan (an id, what
// it will do, and the world it was made against: the hotfix head and the incident's last event).
// Applying it refuses an unknown, already applied or stale plan, and one a person has not
// confirmed when the step needs a person. Plans and confirmations are timeline events, so the
// record shows who proposed what and who let it happen.

import { randomBytes } from "node:crypto";
import { requirePerson, type ActorKind } from "../domain/actor.js";
import { type CONFIRM_VIAS, isPlanKind } from "../domain/events/plan.js";
import type { Incident, TimelineEvent } from "../domain/types.js";
import { FirebreakError } from "../errors.js";
import type { Clock, Store } from "../ports.js";

export interface PlanDeps {
  store: Store;
  clock: Clock;
  actor: string;
  actorKind?: ActorKind;
  /** The hotfix branch's head as the repository has it now (null: no such branch here). */
  head(incident: Incident): Promise<string | null>;
}

export interface MadePlan {
  id: string;
  step: string;
  needsPerson: boolean;
  head: string | null;
  lastEvent: number | null;
  input: Record<string, unknown>;
  summary: string;
}

export interface PlanOnRecord {
  plan: MadePlan;
  confirmedBy: string | null;
  applied: boolean;
}

/** The last event that says something about the world (plan bookkeeping left out). */
const lastWorldEvent = (events: readonly TimelineEvent[]): number | null => events.filter((e) => !isPlanKind(e.kind)).at(-1)?.seq ?? null;

export async function makePlan(
  deps: PlanDeps,
  incident: Incident,
  what: { step: string; needsPerson: boolean; input: Record<string, unknown>; summary: string },
): Promise<MadePlan> {
  const plan: MadePlan = {
    id: `plan_${randomBytes(6).toString("hex")}`,
    ...what,
    head: await deps.head(incident),
    lastEvent: lastWorldEvent(await deps.store.timeline(incident.id)),
  };
  await deps.store.appendEvent(incident.id, {
    at: deps.clock.now().toISOString(),
    actor: deps.actor,
    kind: "plan.made",
    data: { ...plan },
  });
  return plan;
}

/** The plan with this id in the incident's timeline, with whether it was confirmed and applied. */
export function readPlan(events: readonly TimelineEvent[], id: string): PlanOnRecord | null {
  const made = events.find((e) => e.kind === "plan.made" && e.data.id === id);
  if (!made) return null;
  const confirmed = events.find((e) => e.kind === "plan.confirmed" && e.data.id === id);
  return {
    plan: made.data as unknown as MadePlan,
    confirmedBy: confirmed ? String(confirmed.data.by) : null,
    applied: events.some((e) => e.kind === "plan.applied" && e.data.id === id),
  };
}

const unknownPlan = (id: string, ticket: string) => new FirebreakError({ code: "PLAN_UNKNOWN", message: `${ticket} has no plan ${id}.` });

/** Refuses what may not be applied now; returns the plan and whether a person confirmed it. */
export async function applicablePlan(deps: PlanDeps, incident: Incident, id: string, step: string): Promise<PlanOnRecord> {
  const events = await deps.store.timeline(incident.id);
  const found = readPlan(events, id);
  if (!found || found.plan.step !== step) throw unknownPlan(id, incident.ticket);
  if (found.applied) throw new FirebreakError({ code: "PLAN_APPLIED", message: `Plan ${id} (${found.plan.step}) was already applied.` });
  const head = await deps.head(incident);
  const last = lastWorldEvent(events);
  const changed = [
    head !== found.plan.head ? `the hotfix branch ${incident.branch} moved (${short(found.plan.head)} → ${short(head)})` : "",
    last !== found.plan.lastEvent ? `the incident has events after #${found.plan.lastEvent ?? 0} (now #${last ?? 0})` : "",
  ].filter(Boolean);
  if (changed.length > 0)
    throw new FirebreakError({
      code: "PLAN_STALE",
      message: `Plan ${id} (${found.plan.step}) is stale: ${changed.join("; ")}. Nothing was done.`,
    });
  return found;
}

const short = (sha: string | null) => (sha ? sha.slice(0, 12) : "none");

/** Where a person confirmed a plan: the CLI, the agent's client (elicitation), the dashboard or Slack. */
export type ConfirmVia = (typeof CONFIRM_VIAS)[number];

/** A person's confirmation of a plan; an agent or a service is refused. */
export async function confirmPlan(deps: PlanDeps, incident: Incident, id: string, via: ConfirmVia): Promise<PlanOnRecord> {
  requirePerson(deps.actorKind, "confirm-deploy", deps.actor);
  const found = readPlan(await deps.store.timeline(incident.id), id);
  if (!found) throw unknownPlan(id, incident.ticket);
  if (found.applied) throw new FirebreakError({ code: "PLAN_APPLIED", message: `Plan ${id} (${found.plan.step}) was already applied.` });
  if (found.confirmedBy) return found;
  await deps.store.appendEvent(incident.id, {
    at: deps.clock.now().toISOString(),
    actor: deps.actor,
    kind: "plan.confirmed",
    data: { id, by: deps.actor, via, summary: `${deps.actor} confirmed plan ${id}: ${found.plan.summary}` },
  });
  return { ...found, confirmedBy: deps.actor };
}

export async function markApplied(deps: PlanDeps, incident: Incident, plan: MadePlan, summary: string): Promise<void> {
  await deps.store.appendEvent(incident.id, {
    at: deps.clock.now().toISOString(),
    actor: deps.actor,
    kind: "plan.applied",
    data: { id: plan.id, summary },
  });
}

export interface PendingPlan {
  id: string;
  step: string;
  summary: string;
  confirmedBy: string | null;
}

/** Plans an agent made that are not applied yet: a person's confirmation lets the agent go on. */
export function pendingPlans(events: readonly TimelineEvent[]): PendingPlan[] {
  const out: PendingPlan[] = [];
  for (const e of events) {
    if (e.kind !== "plan.made" || typeof e.data.id !== "string") continue;
    const p = readPlan(events, e.data.id);
    if (p && !p.applied) out.push({ id: p.plan.id, step: p.plan.step, summary: p.plan.summary, confirmedBy: p.confirmedBy });
  }
  return out;
}

/** The incident whose timeline holds the plan: a person confirming gives only the id. */
export async function incidentOfPlan(store: Store, id: string): Promise<Incident> {
  for (const incident of await store.listIncidents({ all: true })) if (readPlan(await store.timeline(incident.id), id)) return incident;
  throw new FirebreakError({ code: "PLAN_UNKNOWN", message: `No incident on this record has a plan ${id}.` });
}
