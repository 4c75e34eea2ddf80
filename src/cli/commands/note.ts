// firebreak note "root cause found" [--at 14:30]

import type { CommandInput } from "../run-command.js";
import { event as eventBody } from "../../domain/events/index.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { parseWhen } from "../../domain/deadline.js";
import { E } from "../../errors.js";
import { utc } from "../format.js";

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const text = (args[0] ?? "").trim();
  if (!text) throw E.usage("The note is empty.", 'firebreak note "root cause: expiry not checked"');
  const incident = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  const now = app.clock.now();
  // A bare time is read in the team's zone; without a config that is UTC.
  const zone = (await app.loadConfig().catch(() => null))?.config.calendar.timeZone ?? "UTC";
  const at = typeof opts.at === "string" ? parseWhen(opts.at, now, zone) : now;
  const store = await app.store();
  const ev = {
    at: at.toISOString(),
    actor: await app.actor(),
    ...eventBody(opts.impact ? "impact.noted" : "note", { text, summary: text }),
  };
  // --impact also keeps the text as the incident's impact, which the PR, messages and review show.
  const event = opts.impact
    ? (await store.updateIncident(incident.id, { data: { impact: text } }, ev), (await store.timeline(incident.id)).at(-1)!)
    : await store.appendEvent(incident.id, ev);
  out.data({ event });
  // With the team server not answering, the note is kept in this clone until a command reaches it.
  const kept = (store as { readingCopies?: boolean }).readingCopies === true;
  out.success(
    `Noted${opts.impact ? " the impact" : ""} on ${incident.ticket} at ${utc(at)}${kept ? ": kept here, and uploaded by the next command that reaches the team server" : ""}.`,
  );
  out.next(`firebreak log ${incident.ticket}`);
  return 0;
}
