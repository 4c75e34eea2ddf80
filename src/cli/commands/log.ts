// firebreak log [TICKET] [--verify]: the timeline in UTC, and the hash chain check.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { E } from "../../errors.js";
import { describeEvent } from "../describe-event.js";
import { printable } from "../../render/printable.js";

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const incident = await resolveIncident(app, args[0]);
  const store = await app.store();
  if (opts.verify) {
    const check = await store.verifyTimeline(incident.id);
    out.data({ ticket: incident.ticket, ...check });
    if (!check.ok) throw E.tampered(`event ${check.problem?.seq} looks ${check.problem?.reason} (${check.checked} events checked)`);
    out.success(`The timeline of ${incident.ticket} is intact: ${check.checked} events, each chained to the one before.`);
    out.next(`firebreak log ${incident.ticket}`);
    return 0;
  }
  const events = await store.timeline(incident.id);
  out.data({ ticket: incident.ticket, events });
  out.line(`${out.bold(incident.ticket)} ${incident.priority} ${incident.title}: ${events.length} events (UTC)`);
  for (const e of events) {
    const when = e.at.replace("T", " ").slice(0, 19);
    // A back-dated note shows when it was written too, so the order of writing stays visible.
    const late =
      Math.abs(Date.parse(e.recordedAt) - Date.parse(e.at)) > 60_000
        ? out.dim(` (written ${e.recordedAt.replace("T", " ").slice(0, 16)})`)
        : "";
    out.line(`${String(e.seq).padStart(4)}  ${when}  ${printable(e.actor).padEnd(14)}  ${describeEvent(e)}${late}`);
  }
  out.next(`firebreak status ${incident.ticket}`);
  return 0;
}
