// The team server's side of the access rules (domain/access.ts): the authenticated caller of a
// request, and the refusals in the words of the catalogue. The rules themselves are the domain's.

import type { Incident, TimelineEvent } from "../domain/types.js";
import { incidentState } from "../domain/state/state.js";
import { FirebreakError } from "../errors.js";
import type { TokenRecord } from "../store/server-records.js";
import { canSeeIncident, isPrivate, ownFixCommits, PRIVATE_CRITERIA, roleAtLeast, type Role } from "../domain/access.js";

export { isPrivate, PRIVATE_CRITERIA };

/** The authenticated caller of one request. */
export interface Caller {
  token: TokenRecord;
  /** The incidents this caller was added to as a member. */
  memberships: Set<string>;
}

export function requireRole(caller: Caller, role: Role, what: string): void {
  if (roleAtLeast(caller.token.role, role)) return;
  throw new FirebreakError({
    code: "SERVER_FORBIDDEN",
    message: `${caller.token.name} is ${/^[aeiou]/.test(caller.token.role) ? "an" : "a"} ${caller.token.role}: ${what} needs the ${role} role or above.`,
    next: `ask someone with the ${role} role to do it, or an admin for such a token of your own`,
  });
}

/** Whether the caller may see this incident at all (what every read path filters on). */
export function canSee(caller: Caller, incident: Pick<Incident, "id" | "criteria">): boolean {
  return canSeeIncident({ role: caller.token.role, incidentScope: caller.token.incidentScope, memberships: caller.memberships }, incident);
}

/** A fix's author may not approve it: the commits on the record name who made them. */
export function refuseOwnFix(caller: Caller, incident: Incident, events: readonly TimelineEvent[]): void {
  const mine = ownFixCommits(incidentState(events), caller.token.name);
  if (mine.length === 0) return;
  throw new FirebreakError({
    code: "SERVER_FORBIDDEN",
    message: `${caller.token.name} made ${mine.length === 1 ? "a commit" : `${mine.length} commits`} of ${incident.ticket}'s fix: an approval must come from someone else.`,
    why: "An approval is a second person's review: the record names who made each of the fix's commits, and the author's own approval would be none.",
    next: "ask another approver to review the fix",
  });
}
