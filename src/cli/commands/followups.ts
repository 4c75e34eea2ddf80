// firebreak followups [TICKET] [--no-comment] [--resend A1,comment]: one tracker issue per action item (GitHub
// issues, Linear, or offline a file in .git/firebreak/followups/), and the resolution as a comment
// on the incident's ticket. Run it again at any time: nothing is opened twice.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { openFollowups } from "../../workflow/followups.js";
import { EXIT } from "../../errors.js";

/** --resend A1,A2 (repeatable) or --resend comment: what a person checked and found missing. */
const resendList = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === "string" ? [v] : [])
    .flatMap((x) => String(x).split(","))
    .map((x) => x.trim())
    .filter(Boolean);

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const incident = await resolveIncident(app, args[0] ?? (typeof opts.ticket === "string" ? opts.ticket : undefined));
  const base = await app.effectDeps();
  const tracker = await app.adapters.tracker(incident.ticket);
  const r = await openFollowups({ ...base, tracker, progress: (m) => out.info(m) }, incident, {
    resend: resendList(opts.resend),
    comment: opts.comment !== false,
  });
  out.data({ ticket: incident.ticket, tracker: tracker.kind, where: tracker.where, ...r });

  // Every item's outcome, in the order of the action items: opened, already open, or unconfirmed.
  const rows = [
    ...[...r.existing, ...r.opened].map((l) => ({
      id: l.action,
      text: `${l.url}${r.opened.includes(l) ? "" : out.dim("  (already open)")}`,
    })),
    ...r.unconfirmed
      .filter((u) => u.item !== "comment")
      .map((u) => ({ id: u.item, text: `${out.yellow("POSSIBLY OPENED")}: ${u.message} — ${u.settle}` })),
  ].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  const held = r.unconfirmed.map((u) => u.item);
  const done =
    r.opened.length > 0
      ? `Opened ${r.opened.length} follow-up${r.opened.length === 1 ? "" : "s"} for ${incident.ticket} in ${tracker.where}${r.existing.length ? ` (${r.existing.length} already open)` : ""}`
      : "";
  if (held.length > 0)
    out.warn(
      `${done ? `${done}; ` : ""}${held.join(", ")} of ${incident.ticket} may have been sent by an interrupted run, and ${tracker.where} cannot be asked: ${held.length === 1 ? "it is" : "they are"} held until a person has looked.`,
    );
  else out.success(done ? `${done}.` : `Every action item of ${incident.ticket} already has its follow-up in ${tracker.where}.`);
  for (const row of rows) out.line(`  ${row.id.padEnd(4)} ${row.text}`);
  const commentHeld = r.unconfirmed.find((u) => u.item === "comment");
  if (r.comment)
    out.line(`  resolution ${r.comment.how === "performed" ? "posted" : "already posted"} on ${incident.ticket}: ${r.comment.url}`);
  else if (commentHeld) out.line(`  resolution ${out.yellow("POSSIBLY POSTED")}: ${commentHeld.message} — ${commentHeld.settle}`);
  else if (r.commentSkipped) out.line(out.dim(`  resolution comment not posted: ${r.commentSkipped}`));
  if (held.length > 0) {
    out.next(
      `look in ${tracker.where} for ${held.join(", ")}; for those that are not there: firebreak followups${args[0] ? ` ${args[0]}` : ""} --resend ${held.join(",")}`,
    );
    return EXIT.refused;
  }
  out.next(`firebreak review --write   # the review links the follow-ups; then: firebreak incidents`);
  return EXIT.ok;
}
