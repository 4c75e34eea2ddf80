// `firebreak check --guard-only --ci` where there is no incident record (a fresh CI clone: nobody
// ran `firebreak start` there): the guard on the PR's base..HEAD with the config's rules, at the
// level given (--priority, default P1). Nothing is recorded, and the output says so; an --allow
// counts for this run only.

import type { App } from "../../app/app.js";
import type { Output } from "../output.js";
import type { GuardReport } from "../../guard/guard.js";
import { renderGuardReport } from "../../guard/render-report.js";
import { guardWithoutRecord, priorityOf, ticketOfBranch, UNRECORDED_PRIORITY } from "../../guard/unrecorded.js";
import { E, EXIT } from "../../errors.js";

/** What this path reads of `check`'s options. */
export interface UnrecordedOptions {
  ticket?: string | undefined;
  base?: string | undefined;
  priority?: string | undefined;
  allows: Array<{ rule: string; reason: string }>;
}

export async function runUnrecorded(app: App, out: Output, opts: UnrecordedOptions, annotate: (r: GuardReport) => void): Promise<number> {
  const config = await app.config();
  const env = process.env;
  // GITHUB_BASE_REF is set on pull_request events, CI_MERGE_REQUEST_TARGET_BRANCH_NAME in GitLab merge request pipelines.
  const base = opts.base ?? (env.GITHUB_BASE_REF || env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME || config.production.branch);
  const priority = opts.priority === undefined ? UNRECORDED_PRIORITY : priorityOf([opts.priority]);
  if (!priority)
    throw E.usage(`--priority ${opts.priority}: a level is P0, P1, P2 or P3.`, "firebreak check --guard-only --ci --priority P1");
  const head = env.GITHUB_HEAD_REF || (await app.git.currentBranch());
  const ticket = opts.ticket ?? ticketOfBranch(head);
  const remote = config.production.remote;
  const report = await guardWithoutRecord(
    { git: app.git, root: await app.repoRoot() },
    { remote, base, priority, ticket, config: config.guard as never, allows: opts.allows },
    (message) => out.warn(`Could not fetch ${remote}/${base} (${message}); comparing with the last fetched state.`),
  );
  annotate(report);
  out.data({
    guard: report,
    checks: [],
    ok: !report.blocked,
    recorded: false,
    base: `${remote}/${base}`,
    priority,
    ticket: ticket || null,
  });
  for (const line of renderGuardReport(report, { color: out.color })) out.line(line);
  out.line("");
  out.line(
    `No incident record here${opts.ticket ? ` for ${opts.ticket}` : ""}: the guard ran against ${remote}/${base} at ${priority}${opts.priority ? "" : " (the default; --priority to choose)"}, and nothing was recorded${report.allowed.length ? " (the overrides count for this run only)" : ""}.`,
  );
  if (report.blocked) {
    out.line(out.red("The guard blocked this change."));
    out.next('shrink the change, or override with a reason: firebreak check --guard-only --ci --allow <rule> --reason "…"');
    return EXIT.blocked;
  }
  out.success(`The change is minimal${report.allowed.length ? " (with overrides, not recorded)" : ""}.`);
  out.next("to record the guard on the incident, run it where the record is: FIREBREAK_DATABASE_URL, or after firebreak start");
  return EXIT.ok;
}
