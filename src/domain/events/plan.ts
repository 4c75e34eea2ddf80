// Plans an agent made and a person confirmed: an irreversible step (ship, rollback, a PR, a
// message) proposed through MCP is recorded as a plan with an id and a snapshot of the world it
// was made against; a person confirms it (confirm-plan, or an elicitation the agent's client
// showed them); the apply refuses a plan whose world has changed since.

import { z } from "zod";
import { id, open, summary } from "./parts.js";

/** Where a person may confirm a plan. */
export const CONFIRM_VIAS = ["cli", "elicitation", "dashboard", "slack"] as const;

export const PLAN_EVENTS = {
  "plan.made": open({
    id,
    /** the step the plan is for: ship, rollback, pr, announce */
    step: z.string(),
    /** whether a person must confirm it before it is applied */
    needsPerson: z.boolean(),
    /** what the world looked like: the hotfix head and the incident's last event */
    head: z.string().nullable(),
    lastEvent: z.number().nullable(),
    /** the operation's input, to run it unchanged when applied */
    input: z.record(z.string(), z.unknown()),
    summary,
  }),
  "plan.confirmed": open({ id, by: z.string(), via: z.enum(CONFIRM_VIAS), summary }),
  "plan.applied": open({ id, summary }),
} as const;

/** Plan events are bookkeeping about the world, not changes to it: a stale-plan check skips them. */
export const isPlanKind = (kind: string): boolean => kind.startsWith("plan.");
