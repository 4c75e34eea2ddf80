// firebreak status [TICKET]: the checklist for the incident's level, what is next, the time left.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { renderStatus } from "../status-view.js";

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const incident = await resolveIncident(app, args[0]);
  const events = await (await app.store()).timeline(incident.id);
  // On a team server the reader's role decides whose step the next one is; the name saved at
  // login answers when the server does not.
  const reader = await app.serverIdentity().catch(() => null);
  renderStatus(out, incident, events, app.clock.now(), Number(opts.tail ?? 5) || 0, reader);
  return 0;
}
