// Who is acting: a person, an agent (a coding assistant driving Firebreak through MCP) or a
// service (CI, a bot, the Slack app acting on its own). An agent or a service may propose and
// prepare; only a person approves a fix or waives a gate item. The rule lives here, in the core,
// so every face gets it whatever its transport: a face only says which kind its caller is.

import { FirebreakError } from "../errors.js";

export const ACTOR_KINDS = ["person", "agent", "service"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** The decisions that need a person. */
export type PersonDecision = "approve" | "waive" | "confirm-deploy";

const WHAT: Record<PersonDecision, string> = {
  approve: "approve a fix",
  waive: "waive a gate item",
  "confirm-deploy": "confirm a merge, deploy or rollback",
};

/** Refuses a decision that needs a person when the caller is an agent or a service (absent = a person at the CLI). */
export function requirePerson(kind: ActorKind | undefined, decision: PersonDecision, actor: string): void {
  if (kind === undefined || kind === "person") return;
  throw new FirebreakError({
    code: "PERSON_REQUIRED",
    message: `${actor} is ${kind === "agent" ? "an agent" : "a service"}: only a person may ${WHAT[decision]}.`,
  });
}
