// firebreak followups [TICKET] [--no-comment] [--resend A1,comment]: one tracker issue per action item (GitHub
// issues, Linear, or offline a file in .git/firebreak/followups/), and the resolution as a comment
// on the incident's ticket. Run it again at any time: nothing is opened twice.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { createTracker } from "../../adapters/tracker/create.js";
import { openFollowups } from "../../workflow/followups.js";

/** --resend A1,A2 (repeatable) or --resend comment: what a person checked and found missing. */
const resendList = (v: unknown): string[] => (Array.isArray(v) ? v : typeof v === "string" ? [v] : []).flatMap((x) => String(x).split(",")).map((x) => x.trim()).filter(Boolean);

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const incident = await resolveIncident(app, args[0] ?? (typeof opts.ticket === "string" ? opts.ticket : undefined));
  const base = await app.effectDeps();
  const config = await app.config();
  const tracker = await createTracker({ config, git: app.git, ticket: incident.ticket, env: app.env });
  const r = await openFollowups({ ...base, tracker, progress: (m) => out.info(m) }, incident, { resend: resendList(opts.resend), comment: opts.comment !== false });
  out.data({ ticket: incident.ticket, tracker: tracker.kind, where: tracker.where, ...r });
  const all = [...r.existing, ...r.opened].sort((a, b) => Number(a.action.slice(1)) - Number(b.action.slice(1)));
  out.success(
    r.opened.length > 0
      ? `Opened ${r.opened.length} follow-up${r.opened.length === 1 ? "" : "s"} for ${incident.ticket} in ${tracker.where}${r.existing.length ? ` (${r.existing.length} already open)` : ""}.`
      : `Every action item of ${incident.ticket} already has its follow-up in ${tracker.where}.`,
  );
  for (const l of all) out.line(`  ${l.action.padEnd(4)} ${l.url}${r.opened.includes(l) ? "" : out.dim("  (already open)")}`);
  if (r.comment) out.line(`  resolution ${r.comment.how === "performed" ? "posted" : "already posted"} on ${incident.ticket}: ${r.comment.url}`);
  else if (r.commentSkipped) out.line(out.dim(`  resolution comment not posted: ${r.commentSkipped}`));
  out.next(`firebreak review --write   # the review links the follow-ups; then: firebreak incidents`);
  return 0;
}
