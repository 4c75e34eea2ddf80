// The checks every face of the server makes before it reads or writes for a caller (the JSON API
// and the dashboard share them): the incident only when the caller may see it, and a role check
// whose refusal goes on the audit log.

import type { Incident } from "../domain/types.js";
import { FirebreakError } from "../errors.js";
import type { Store } from "../ports.js";
import type { ServerRecords } from "../store/server-records.js";
import { canSee, requireRole, type Caller } from "./access.js";

/** The incident (by id or ticket), only when the caller may see it; a hidden one answers exactly like a missing one. */
export async function visibleIncident(
  store: Store,
  caller: Caller,
  ref: string,
  next = "GET /incidents lists the ones it may",
): Promise<Incident> {
  const incident = (await store.getIncident(ref)) ?? (await store.findByTicket(ref));
  if (!incident || !canSee(caller, incident))
    throw new FirebreakError({ code: "NO_INCIDENT", message: `No incident ${ref} that this token may see.`, next });
  return incident;
}

/** Refuses a write (and puts the refusal on the audit log) unless the caller has the role. */
export async function allowRole(
  records: ServerRecords,
  caller: Caller,
  role: Parameters<typeof requireRole>[1],
  what: string,
  target: string,
): Promise<Caller> {
  try {
    requireRole(caller, role, what);
  } catch (e) {
    await records.audit(caller.token.name, "refused", target, { what, role: caller.token.role });
    throw e;
  }
  return caller;
}

/** Asking to join a private incident is throttled per person: said in a person's words, not a header's. */
export function accessRequestsThrottled(name: string): FirebreakError {
  return new FirebreakError({
    code: "SERVER_RATE_LIMITED",
    message: `${name} asked for access too often this hour.`,
    why: "Each person may ask to join private incidents a few times an hour; the requests already sent are on the audit log for the commanders.",
    next: "wait for a commander to answer, or reach the incident's commander directly",
  });
}
