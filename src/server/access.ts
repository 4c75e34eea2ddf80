// Who may do what on the team server: roles in rank order (each includes the ones below it), and
// who may see an incident. A security incident (auth-bypass, data-exposure) is private: only its
// members and the roles that manage private incidents (commander, admin) see it, on every read path.

import type { Incident, TimelineEvent } from "../domain/types.js";
import { incidentState } from "../domain/state/state.js";
import { FirebreakError } from "../errors.js";
import { ROLES, type Role, type TokenRecord } from "../store/server-records.js";

export const PRIVATE_CRITERIA: readonly string[] = ["auth-bypass", "data-exposure"];

const rank = (r: Role) => ROLES.indexOf(r);

/** The authenticated caller of one request. */
export interface Caller {
  token: TokenRecord;
  /** The incidents this caller was added to as a member. */
  memberships: Set<string>;
}

export function requireRole(caller: Caller, role: Role, what: string): void {
  if (rank(caller.token.role) >= rank(role)) return;
  throw new FirebreakError({
    code: "SERVER_FORBIDDEN",
    message: `${caller.token.name} is a ${caller.token.role}: ${what} needs the ${role} role or above.`,
  });
}

export const isPrivate = (incident: Pick<Incident, "criteria">): boolean => incident.criteria.some((c) => PRIVATE_CRITERIA.includes(c));

/** Whether the caller may see this incident at all (what every read path filters on). */
export function canSee(caller: Caller, incident: Pick<Incident, "id" | "criteria">): boolean {
  if (caller.token.incidentScope !== null && caller.token.incidentScope !== incident.id) return false;
  if (!isPrivate(incident)) return true;
  return rank(caller.token.role) >= rank("commander") || caller.memberships.has(incident.id);
}

/** A fix's author may not approve it: the commits on the record name who made them. */
export function refuseOwnFix(caller: Caller, incident: Incident, events: readonly TimelineEvent[]): void {
  const mine = incidentState(events).commits.filter((c) => c.actor === caller.token.name);
  if (mine.length === 0) return;
  throw new FirebreakError({
    code: "SERVER_FORBIDDEN",
    message: `${caller.token.name} made ${mine.length === 1 ? "a commit" : `${mine.length} commits`} of ${incident.ticket}'s fix: an approval must come from someone else.`,
    next: "ask another approver to review the fix",
  });
}
