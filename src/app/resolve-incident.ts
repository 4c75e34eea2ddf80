// Which incident a command is about: the ticket given, else the one whose hotfix branch is checked
// out, else the only one in progress. Anything else is ambiguous and says how to choose.

import type { Incident } from "../domain/types.js";
import type { App } from "./app.js";
import { E, FirebreakError, EXIT } from "../errors.js";

export async function resolveIncident(app: App, ticket?: string): Promise<Incident> {
  const store = await app.store();
  if (ticket) {
    const found = await store.findByTicket(ticket);
    if (!found) throw E.noIncident(`for ${ticket}`);
    return found;
  }
  const branch = (await app.git.isRepo()) ? await app.git.currentBranch() : null;
  if (branch) {
    const onBranch = await store.findByBranch(branch);
    if (onBranch) return onBranch;
  }
  const active = await store.listIncidents({ all: false });
  if (active.length === 1) return active[0]!;
  if (active.length === 0) throw E.noIncident(branch ? `on branch ${branch}, and none is in progress` : "in progress");
  throw new FirebreakError({
    code: "WHICH_INCIDENT",
    message: `${active.length} incidents are in progress and the checked-out branch belongs to none of them.`,
    next: `name one: firebreak status ${active[0]!.ticket}`,
    exit: EXIT.usage,
    details: active.map((i) => `${i.ticket} (${i.priority}) ${i.title}`),
  });
}
