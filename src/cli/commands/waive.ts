// firebreak waive approval --reason "…": a P0 may ship without an approval, with who waived it and
// why on the record. A review after the deploy is then due (status shows it).

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { LEVELS } from "../../domain/levels.js";
import { E, EXIT, FirebreakError } from "../../errors.js";
import type { Waiver } from "../../ship/gate.js";

const WAIVABLE = ["approval"] as const;

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const item = args[0] ?? "";
  if (!(WAIVABLE as readonly string[]).includes(item)) throw E.usage(`"${item}" cannot be waived: only approval can (for a P0).`, 'firebreak waive approval --reason "<why>"');
  const reason = typeof opts.reason === "string" ? opts.reason.replace(/[\u0000-\u0008\u000b-\u001f\u007f]+/g, " ").trim() : "";
  if (!reason) throw E.missingInput('--reason "<why>"', "Why the approval is waived");
  if (reason.length > 2000) throw E.usage("--reason is longer than 2000 characters; say it in a sentence or two.");
  const incident = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  if (!LEVELS[incident.priority].approvalWaivable)
    throw new FirebreakError({
      code: "NOT_WAIVABLE",
      message: `${incident.ticket} is ${incident.priority}: only a P0 may ship without an approval.`,
      next: "firebreak approve --by <reviewer>   # or ask for a review on the forge",
      exit: EXIT.refused,
    });
  const store = await app.store();
  const by = await app.actor();
  const at = app.clock.now().toISOString();
  const waiver: Waiver = { item: "approval", by, reason, at };
  const waivers = [...((incident.data.waivers as Waiver[] | undefined) ?? []), waiver];
  await store.updateIncident(incident.id, { data: { waivers } }, { at, actor: by, kind: "approval.waived", data: { by, reason, reviewAfterDeploy: "due", summary: `approval waived by ${by}: ${reason}` } });
  out.data({ waiver });
  out.success(`Recorded on ${incident.ticket}: approval waived by ${by} (${reason}). A review after the deploy is due.`);
  out.next("firebreak ship --dry-run");
  return EXIT.ok;
}
