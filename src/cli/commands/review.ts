// firebreak review [TICKET] [--write [PATH]] [--html] [--done] [--schedule WHEN [--attendees a,b]]
//                  [--impact-users N --impact-revenue "…" --support-tickets N --mentions N --experience "…"]
// Without --write it prints the review; with it, writes the Markdown (charts beside it, HTML with
// --html) and keeps the text people wrote in its editable sections.

import type { CommandInput } from "../run-command.js";
import type { App } from "../../app/app.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { parseWhen } from "../../domain/deadline.js";
import { LEVELS } from "../../domain/levels.js";
import { E } from "../../errors.js";
import { isInteractive, shq, splitList, utc } from "../format.js";
import { askText } from "../prompts.js";
import { markReviewDone, produceReview, recordImpact, scheduleReview, type ReviewDeps } from "../../workflow/review.js";
import { readImpactDetails, type ImpactDetails } from "../../review/types.js";
import { relative } from "node:path";
import { keepReviewOutOfCommits, reviewCommitSteps } from "../../workflow/review-files.js";

export async function reviewDeps(app: App): Promise<ReviewDeps> {
  const base = await app.effectDeps();
  return { ...base, git: app.git, config: await app.config(), repoRoot: await app.repoRoot(), cwd: app.cwd };
}

const count = (flag: string, v: unknown): number | undefined => {
  if (v === undefined) return undefined;
  const s = String(v).trim().replace(/[,_ ]/g, "");
  if (!/^\d{1,12}$/.test(s)) throw E.usage(`${flag} ${JSON.stringify(String(v))} is not a whole number.`, `firebreak review ${flag} 1200`);
  return Number(s);
};
const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

function impactFlags(opts: Record<string, unknown>): ImpactDetails {
  const d: ImpactDetails = {};
  const users = count("--impact-users", opts.impactUsers);
  const tickets = count("--support-tickets", opts.supportTickets);
  const mentions = count("--mentions", opts.mentions);
  if (users !== undefined) d.users = users;
  if (text(opts.impactRevenue)) d.revenue = text(opts.impactRevenue);
  if (tickets !== undefined) d.supportTickets = tickets;
  if (mentions !== undefined) d.mentions = mentions;
  if (text(opts.experience)) d.experience = text(opts.experience);
  return d;
}

/** On a terminal, asks for the impact figures nobody has given yet (Enter skips one). */
async function askImpact(current: ImpactDetails): Promise<ImpactDetails> {
  const d: ImpactDetails = {};
  const ask = async (q: string) => (await askText(`${q} (Enter to skip)`)) || undefined;
  if (current.users === undefined) d.users = count("--impact-users", await ask("How many users were affected?"));
  if (!current.experience) d.experience = await ask("What did users experience?");
  if (!current.revenue) d.revenue = await ask("Revenue impact?");
  if (current.supportTickets === undefined) d.supportTickets = count("--support-tickets", await ask("How many support tickets?"));
  return d;
}

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  let incident = await resolveIncident(app, args[0]);
  const deps = await reviewDeps(app);
  const writePath = typeof opts.write === "string" ? opts.write : undefined;
  const write = opts.write !== undefined && opts.write !== false;
  const html = Boolean(opts.html);
  const result: Record<string, unknown> = { ticket: incident.ticket };

  let impact = impactFlags(opts);
  if (write && Object.keys(impact).length === 0 && Object.keys(readImpactDetails(incident)).length === 0 && isInteractive() && !out.json)
    impact = await askImpact({});
  if (Object.keys(impact).length > 0) {
    const r = await recordImpact(deps, incident, impact);
    incident = r.incident;
    result.impactDetails = readImpactDetails(incident);
    if (r.changed) out.info(`Recorded the impact on ${incident.ticket}.`);
  }

  if (opts.attendees !== undefined && opts.schedule === undefined)
    throw E.usage("--attendees goes with --schedule.", "firebreak review --schedule 2026-11-29T15:00Z --attendees ana@example.com");
  if (opts.schedule !== undefined) {
    const zone = deps.config.calendar.timeZone;
    const at = parseWhen(String(opts.schedule), deps.clock.now(), zone);
    const email = (await app.git.git(["config", "user.email"]).catch(() => "")).trim();
    const s = await scheduleReview(deps, incident, {
      at,
      attendees: splitList(opts.attendees),
      ...(email ? { organizer: { name: deps.actor, email } } : {}),
    });
    result.schedule = { at: at.toISOString(), ics: s.ics, uid: s.uid, sequence: s.sequence, due: s.due, afterDue: s.afterDue };
    out.success(
      `${s.changed ? (s.sequence > 0 ? "Moved" : "Scheduled") : "Kept"} the review meeting for ${incident.ticket} at ${utc(at)}; invitation: ${relative(app.cwd, s.ics) || s.ics}`,
    );
    if (s.afterDue && s.due)
      out.warn(
        `That is after the review is due (${utc(s.due)}): ${incident.priority} reviews are due within ${LEVELS[incident.priority].reviewDueHours} h of the fix being verified.`,
      );
  }

  if (opts.done) {
    const d = await markReviewDone(deps, incident);
    result.done = d;
    out.success(
      d.already
        ? `The review of ${incident.ticket} was already marked done (${utc(d.at)}).`
        : `Marked the review of ${incident.ticket} done.`,
    );
  }

  const onlyBookkeeping = (opts.done || opts.schedule !== undefined || Object.keys(impact).length > 0) && !write && !html;
  if (!onlyBookkeeping) {
    const r = await produceReview(deps, incident, { write, ...(writePath ? { path: writePath } : {}), html });
    result.review = {
      path: r.paths?.md ?? null,
      html: r.html !== null && r.paths ? r.paths.html : null,
      charts: r.paths ? r.charts.map((c) => `${r.paths!.dir}/${c.file}`) : [],
      written: r.written,
      kept: r.kept,
      refreshed: r.refreshed,
      orphaned: r.orphaned,
      template: r.template,
      due: r.due,
    };
    if (!r.paths) {
      result.markdown = r.markdown;
      if (r.html !== null) result.html = r.html;
      out.data(result);
      out.line((r.html ?? r.markdown).trimEnd());
      out.info(`This is a preview; nothing was written.`);
      out.info(`Next: firebreak review ${shq(incident.ticket)} --write${html ? " --html" : ""}`);
      return 0;
    }
    const shown = (p: string) => relative(app.cwd, p) || p;
    out.success(
      `${r.written.includes(r.paths.md) ? "Wrote" : "Review unchanged:"} ${shown(r.paths.md)}${r.html !== null ? ` and ${shown(r.paths.html)}` : ""} (${r.charts.length} chart${r.charts.length === 1 ? "" : "s"})`,
    );
    if (r.kept.length) out.line(`  kept people's text in: ${r.kept.join(", ")}`);
    if (r.orphaned.length) out.line(out.yellow(`  kept at the end (the template no longer has them): ${r.orphaned.join(", ")}`));
    if (r.due) out.line(`  due ${utc(r.due)}`);
    // Never part of a fix commit: git leaves it out until it is added on production on purpose.
    const kept = await keepReviewOutOfCommits(app, r.paths);
    if (kept) {
      result.keptOutOfCommits = kept;
      out.line(`  kept out of fix commits (listed in .git/info/exclude); it belongs on ${incident.base}, in its own commit:`);
      out.line(`  ${reviewCommitSteps(incident, kept)}`);
    }
  }
  out.data(result);
  out.next(nextStep(incident.ticket, opts, write));
  return 0;
}

function nextStep(ticket: string, opts: Record<string, unknown>, wrote: boolean): string {
  if (opts.done) return `firebreak followups   # one ticket per action item, and the resolution on ${ticket}`;
  if (opts.schedule !== undefined) return `send the invitation; after the meeting: firebreak review --done`;
  if (wrote)
    return 'edit the sections between the firebreak:edit markers, add actions with firebreak action add "…" --owner NAME --due YYYY-MM-DD, then firebreak review --schedule <when> --attendees a@x,b@y';
  return "firebreak review --write";
}
