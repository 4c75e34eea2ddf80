// firebreak waive approval --reason "…": a P0 may ship without an approval, with who waived it and
// why on the record. A review after the deploy is then due (status shows it).
// firebreak waive watch --reason "…": a P0 may ship with automatic rollback although the watch
// after the deploy could not catch a regression (low traffic, no baseline), on the record too.

import type { CommandInput } from "../run-command.js";
import { event as eventBody } from "../../domain/events/index.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { LEVELS } from "../../domain/levels.js";
import { E, EXIT, FirebreakError } from "../../errors.js";
import type { Waiver } from "../../ship/gate.js";

const WAIVABLE = ["approval", "watch"] as const;
type Item = (typeof WAIVABLE)[number];

const WHAT: Record<Item, string> = { approval: "the approval", watch: "a watch that can catch a regression" };

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const item = args[0] ?? "";
  if (!(WAIVABLE as readonly string[]).includes(item)) throw E.usage(`"${item}" cannot be waived: only approval and watch can (for a P0).`, 'firebreak waive approval --reason "<why>"');
  const what = item as Item;
  const reason = typeof opts.reason === "string" ? opts.reason.replace(/[\u0000-\u0008\u000b-\u001f\u007f]+/g, " ").trim() : "";
  if (!reason) throw E.missingInput('--reason "<why>"', `Why ${WHAT[what]} is waived`);
  if (reason.length > 2000) throw E.usage("--reason is longer than 2000 characters; say it in a sentence or two.");
  const incident = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  if (!LEVELS[incident.priority].approvalWaivable)
    throw new FirebreakError({
      code: "NOT_WAIVABLE",
      message: `${incident.ticket} is ${incident.priority}: only a P0 may ship without ${what === "approval" ? "an approval" : WHAT[what]}.`,
      next: what === "approval" ? "firebreak approve --by <reviewer>   # or ask for a review on the forge" : "firebreak ship --dry-run   # the gate says what would make the watch able to",
    });
  const store = await app.store();
  const by = await app.actor();
  const at = app.clock.now().toISOString();
  const waiver: Waiver = { item: what, by, reason, at };
  const waivers = [...((incident.data.waivers as Waiver[] | undefined) ?? []), waiver];
  const event =
    what === "approval"
      ? eventBody("approval.waived", { by, reason, reviewAfterDeploy: "due", summary: `approval waived by ${by}: ${reason}` })
      : eventBody("watch.waived", { by, reason, summary: `a watch able to catch a regression waived by ${by}: ${reason}` });
  await store.updateIncident(incident.id, { data: { waivers } }, { at, actor: by, ...event });
  out.data({ waiver });
  out.success(
    what === "approval"
      ? `Recorded on ${incident.ticket}: approval waived by ${by} (${reason}). A review after the deploy is due.`
      : `Recorded on ${incident.ticket}: ${by} ships without a watch that can catch a regression (${reason}). Watch the deploy yourself.`,
  );
  out.next("firebreak ship --dry-run");
  return EXIT.ok;
}
