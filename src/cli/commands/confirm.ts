// firebreak confirm reproduced|fixed|happy-path|edge-cases|no-regressions|oncall-notified|monitoring|staging-verified [--note]
// People tick the manual checklist on the record; the PR's Testing section ticks only these.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { CONFIRMABLE, confirm, isConfirmable, notConfirmable } from "../../workflow/confirm.js";

export { CONFIRMABLE };

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const item = args[0] ?? "";
  // A typo is refused before the incident is looked up.
  if (!isConfirmable(item)) throw notConfirmable(item);
  const incident = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  const { event, sha } = await confirm(app, { incident, item, ...(typeof opts.note === "string" ? { note: opts.note } : {}) });
  out.data({ event });
  out.success(
    `Recorded on ${incident.ticket}: ${CONFIRMABLE[item]}${sha ? ` (commit ${sha.slice(0, 12)})` : ""} (by ${event.actor}, ${event.at.slice(0, 16).replace("T", " ")} UTC).`,
  );
  out.next(`firebreak status ${incident.ticket}`);
  return 0;
}
