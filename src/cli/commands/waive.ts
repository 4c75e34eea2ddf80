// firebreak waive approval --reason "…": a P0 may ship without an approval, with who waived it and
// why on the record. A review after the deploy is then due (status shows it).
// firebreak waive watch --reason "…": a P0 may ship with automatic rollback although the watch
// after the deploy could not catch a regression (low traffic, no baseline), on the record too.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { isWaivable, waive, waiverReason } from "../../workflow/waive.js";
import { E, EXIT } from "../../errors.js";
import { hotfixHead } from "../../workflow/gate.js";

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const item = args[0] ?? "";
  // The item and reason are checked before the incident is looked up, so a typo costs nothing.
  if (!isWaivable(item))
    throw E.usage(`"${item}" cannot be waived: only approval and watch can (for a P0).`, 'firebreak waive approval --reason "<why>"');
  const reason = waiverReason(item, typeof opts.reason === "string" ? opts.reason : "");
  const incident = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  const waiver = await waive(
    { store: await app.store(), clock: app.clock, actor: await app.actor(), head: (i) => hotfixHead(app, i).catch(() => null) },
    { incident, item, reason },
  );
  const { by } = waiver;
  // The waiver covers this commit only: a later commit (a new fix after a rollback) needs its own.
  const on = waiver.commit ? ` for ${waiver.commit.slice(0, 12)}` : "";
  out.data({ waiver });
  out.success(
    item === "approval"
      ? `Recorded on ${incident.ticket}: approval waived by ${by}${on} (${waiver.reason}). A review after the deploy is due.`
      : `Recorded on ${incident.ticket}: ${by} ships without a watch that can catch a regression${on} (${waiver.reason}). Watch the deploy yourself.`,
  );
  out.next("firebreak ship --dry-run");
  return EXIT.ok;
}
