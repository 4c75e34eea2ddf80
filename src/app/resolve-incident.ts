// Which incident a command is about: the ticket given, else the one whose hotfix branch is checked
// out, else the only one in progress. Anything else is ambiguous and says how to choose.

import type { Incident } from "../domain/types.js";
import type { IncidentFinder } from "../ports/store.js";
import type { App } from "./app.js";
import { E, FirebreakError } from "../errors.js";

/** The reads resolution needs: the full Store, or the fast read-only SQLite reader. */
export type { IncidentFinder };

export async function findIncident(finder: IncidentFinder, ticket: string | undefined, branch: string | null): Promise<Incident> {
  if (ticket) {
    const found = await finder.findByTicket(ticket);
    if (!found) throw E.noIncident(`for ${ticket}`);
    return found;
  }
  if (branch) {
    const onBranch = await finder.findByBranch(branch);
    if (onBranch) return onBranch;
  }
  const active = await finder.listIncidents({ all: false });
  if (active.length === 1) return active[0]!;
  if (active.length === 0) throw E.noIncident(branch ? `on branch ${branch}, and none is in progress` : "in progress");
  throw new FirebreakError({
    code: "WHICH_INCIDENT",
    message: `${active.length} incidents are in progress and the checked-out branch belongs to none of them.`,
    next: `name one: firebreak status ${active[0]!.ticket}`,
    details: active.map((i) => `${i.ticket} (${i.priority}) ${i.title}`),
  });
}

export async function resolveIncident(app: App, ticket?: string): Promise<Incident> {
  const branch = !ticket && (await app.git.isRepo()) ? await app.git.currentBranch() : null;
  const store = await app.store();
  const incident = await findIncident(store, ticket, branch).catch((e: unknown) => {
    throw notInCopy(e, store);
  });
  app.incidentInView = incident;
  return incident;
}

/**
 * "No incident" read from this clone's copies, while the team server does not answer, is not an
 * answer about the team's record: the incident may well be there, unread by this clone.
 */
function notInCopy(e: unknown, store: object): unknown {
  const from = store as { readingCopies?: boolean; url?: string };
  if (!(e instanceof FirebreakError) || e.code !== "NO_INCIDENT" || !from.readingCopies) return e;
  return new FirebreakError({
    code: "NO_INCIDENT",
    message: `${e.message.replace(/\.$/, "")} in this clone's copy of the team's record: the team server at ${from.url} did not answer, and this clone has not read it from there.`,
    next: "run it again once the server answers (firebreak whoami tells), or from a clone that has read the incident",
  });
}
