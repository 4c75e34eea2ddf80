// Who may do what, and who may see an incident: the rules every team face (server, dashboard,
// Slack) applies. Roles are in rank order, each including the ones below it. A security incident
// (auth-bypass, data-exposure) is private: only its members and the roles that manage private
// incidents (commander, admin) see it, on every read path. A fix's author never approves it.

import { FirebreakError } from "../errors.js";
import type { Incident } from "./types.js";
import type { IncidentState } from "./state/state.js";
import type { PersonDecision } from "./actor.js";

export const ROLES = ["viewer", "responder", "approver", "commander", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const PRIVATE_CRITERIA: readonly string[] = ["auth-bypass", "data-exposure"];

export const roleAtLeast = (role: Role, needed: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(needed);

// Compared as triage reads ids (any case, stray spaces): a record that kept "Data-Exposure" as typed is private too.
export const isPrivate = (incident: Pick<Incident, "criteria">): boolean =>
  incident.criteria.some((c) => PRIVATE_CRITERIA.includes(c.trim().toLowerCase()));

export interface Viewer {
  role: Role;
  /** A token limited to one incident sees only that one. */
  incidentScope: string | null;
  /** The incidents this viewer was added to as a member. */
  memberships: ReadonlySet<string>;
}

/** Whether the viewer may see this incident at all (what every read path filters on). */
export function canSeeIncident(v: Viewer, incident: Pick<Incident, "id" | "criteria">): boolean {
  if (v.incidentScope !== null && v.incidentScope !== incident.id) return false;
  if (!isPrivate(incident)) return true;
  return roleAtLeast(v.role, "commander") || v.memberships.has(incident.id);
}

/** The fix's commits this person made: an approval must come from someone else. */
export const ownFixCommits = (s: IncidentState, person: string) => s.commits.filter((c) => c.actor === person);

/** What writing one kind of timeline event takes: the role, and whether only a person may. */
export interface WriteRule {
  role: Role;
  /** The decision only a person may make, when this write is one (domain/actor.ts). */
  person?: PersonDecision;
  what: string;
}

/**
 * The rule for a timeline event written through the team server's record: an approval is an
 * approver's and a person's, a waiver a commander's and a person's, a confirmed plan a person's;
 * working an incident (notes, checks, effects, deploys) is a responder's.
 */
export function writeRule(kind: string): WriteRule {
  if (kind === "review.approved") return { role: "approver", person: "approve", what: "approving a fix" };
  if (kind === "approval.waived") return { role: "commander", person: "waive", what: "waiving the approval" };
  if (kind === "plan.confirmed") return { role: "responder", person: "confirm-deploy", what: "confirming a plan" };
  return { role: "responder", what: `recording ${kind}` };
}

/** The rule for taking a lock: a rollback is a commander's; shipping and the rest a responder's. */
export function leaseRule(command: string): WriteRule {
  if (/^rollback\b/.test(command)) return { role: "commander", what: "rolling back" };
  return { role: "responder", what: `taking the lock for ${command.split(" ")[0] || "a command"}` };
}

/** What a token is: its role, kind, incident scope and expiry. */
export interface Grant {
  role: Role;
  kind: "person" | "agent" | "service";
  incidentScope: string | null;
  expiresAt: string | null;
}

/**
 * How a new token would exceed the token making it (empty when it does not): no higher role, no
 * person token from an agent or a service (a person's token approves), no wider incident scope,
 * no later expiry. A token can only hand on what it has.
 */
export function widerThanMaker(
  maker: Grant,
  wanted: { role: Role; kind: Grant["kind"]; incidentScope?: string | null; expiresAt?: string | null },
): string[] {
  const scope = wanted.incidentScope ?? null;
  return [
    !roleAtLeast(maker.role, wanted.role) && `the ${wanted.role} role is above the ${maker.role} role`,
    maker.kind !== "person" && wanted.kind === "person" && `a ${maker.kind} token may not make a person token`,
    maker.incidentScope !== null && scope !== maker.incidentScope && `it must be limited to ${maker.incidentScope}, as the maker is`,
    maker.expiresAt !== null &&
      (!wanted.expiresAt || Date.parse(wanted.expiresAt) > Date.parse(maker.expiresAt)) &&
      `it must expire by ${maker.expiresAt}, as the maker does`,
  ].filter((w): w is string => typeof w === "string");
}

/** The team of a clone's own record, and of every row written before teams existed. */
export const DEFAULT_TEAM = "default";

/**
 * A team's name on a server of many teams: lowercase letters, digits and dashes, 1–40 characters,
 * starting with a letter or a digit (so it is never read as an option, and is safe in a path, a
 * log line and a shell command).
 */
export const TEAM_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** The team name given to `what`, or the usage error naming the rule. */
export function parseTeamName(value: string, what = "--team"): string {
  if (TEAM_NAME.test(value)) return value;
  throw new FirebreakError({
    code: "USAGE",
    message: `${what}: a team's name is 1–40 lowercase letters, digits and dashes, starting with a letter or a digit.`,
    next: "firebreak serve --init-admin --team payments",
  });
}
