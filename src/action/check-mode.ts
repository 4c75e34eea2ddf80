// mode: check — the guard on a hotfix PR, reported as a check run with one annotation per finding
// on a file, a table in the job summary, and a failing conclusion on a block. Overrides come from
// `/firebreak allow RULE reason…` comments by people with write access; the check operation
// records each on the incident's timeline like a --allow given on the command line.
// Two things a real runner meets:
//   no record   a fresh clone where nobody ran `firebreak start` (and no FIREBREAK_DATABASE_URL):
//               the guard still runs, on the PR's base..head at the level its P0-P3 label names
//               (else P1), and the summary says nothing was recorded (guard/unrecorded.ts).
//   a fork     on `pull_request` from a fork the token is read-only and cannot create check runs:
//               the findings go out as workflow-command annotations and the job summary, the step
//               fails on a block, and the log says why there is no check run.

import type { App } from "../app/app.js";
import { check } from "../workflow/check.js";
import { isGuardRule } from "../guard/defaults.js";
import type { GuardReport } from "../guard/guard.js";
import { guardWithoutRecord, priorityOf, ticketOfBranch, UNRECORDED_PRIORITY } from "../guard/unrecorded.js";
import { EXIT, isFirebreakError } from "../errors.js";
import type { CheckAnnotation } from "../ports/forge.js";
import type { Incident } from "../domain/types.js";
import { formatAnnotation, guardAnnotations } from "./annotations.js";
import { allowCommands, CAN_WRITE } from "./commands.js";
import { appendSummary, writeOutputs, type ActionsEnv } from "./environment.js";
import { pullOf } from "./event.js";
import { actionForge, GUARD_CHECK } from "./forge.js";
import { guardSummary } from "./summary.js";
import { incidentOrNone } from "./record.js";
import type { ActionLog } from "./log.js";

export async function runCheckMode(app: App, env: ActionsEnv, log: ActionLog): Promise<number> {
  const pull = pullOf(env.eventName, env.event);
  if (!pull) {
    log.warn(`mode check runs on pull_request or a PR's issue_comment events, not ${env.eventName || "this event"}; nothing to check.`);
    return EXIT.ok;
  }
  const forge = actionForge(env, { log: (l) => log.info(l) });
  const facts = pull.headRef && pull.headSha && pull.baseRef ? null : await forge.pullRequestFacts(pull.number);
  const headRef = pull.headRef ?? facts!.head;
  const headSha = pull.headSha ?? facts!.headSha;
  const baseRef = pull.baseRef ?? facts!.base;
  const incident: Incident | null = await incidentOrNone(app, env.input("ticket") || undefined, headRef);

  // Overrides: the latest reason per rule from someone who could push the change themselves.
  const ignored: string[] = [];
  const byRule = new Map<string, { rule: string; reason: string }>();
  const permission = new Map<string, string>();
  for (const a of allowCommands(await forge.listComments(pull.number))) {
    if (!isGuardRule(a.rule)) {
      ignored.push(`/firebreak allow ${a.rule} by @${a.by}: there is no guard rule with that name.`);
      continue;
    }
    if (!a.reason) {
      ignored.push(`/firebreak allow ${a.rule} by @${a.by}: an override needs a reason after the rule.`);
      continue;
    }
    if (!permission.has(a.by)) permission.set(a.by, await forge.permissionOf(a.by));
    if (!(CAN_WRITE as readonly string[]).includes(permission.get(a.by)!)) {
      ignored.push(`/firebreak allow ${a.rule} by @${a.by}: only people with write access can override (theirs: ${permission.get(a.by)}).`);
      continue;
    }
    byRule.set(a.rule, { rule: a.rule, reason: `${a.reason} (@${a.by} on PR #${pull.number})` });
  }
  for (const why of ignored) log.warn(why);

  const runChecks = env.input("run-checks") === "true";
  let report: GuardReport;
  let checksFailed = false;
  let checksLine = "";
  let recorded: string | null = null;
  let label: string;
  if (incident) {
    const outcome = await check(app, { incident, guardOnly: !runChecks, allows: [...byRule.values()] });
    report = outcome.guard!;
    checksFailed = outcome.kind === "checks" && !outcome.ok;
    if (outcome.kind === "checks")
      checksLine = `Checks: ${outcome.ok ? "passed" : "did not pass"} (passed: ${outcome.passed.join(", ") || "none"}; failed: ${outcome.failed.join(", ") || "none"}).`;
    recorded = incident.ticket;
    label = incident.ticket;
  } else {
    const config = await app.config();
    const priority = priorityOf(pull.labels) ?? (facts ? priorityOf(facts.labels) : null) ?? UNRECORDED_PRIORITY;
    const ticket = env.input("ticket") || ticketOfBranch(headRef);
    report = await guardWithoutRecord(
      { git: app.git, root: await app.repoRoot() },
      { remote: config.production.remote, base: baseRef, priority, ticket, config: config.guard as never, allows: [...byRule.values()] },
      (m) => log.warn(`Could not fetch ${config.production.remote}/${baseRef} (${m}); comparing with the last fetched state.`),
    );
    label = ticket || `PR #${pull.number}`;
    const why = `No incident record${ticket ? ` for ${ticket}` : ""} on this runner (no \`firebreak start\` here and no FIREBREAK_DATABASE_URL): the guard ran on ${config.production.remote}/${baseRef}..${headSha.slice(0, 12)} at ${priority}${priorityOf(pull.labels) || (facts && priorityOf(facts.labels)) ? " (the PR's label)" : " (no P0-P3 label on the PR: the default)"}, and nothing was recorded${byRule.size ? "; the overrides count for this run only" : ""}.`;
    checksLine = runChecks ? `${why} The checks need the record and did not run here: run them as steps of this job.` : why;
    log.warn(checksLine);
  }
  const failing = report.blocked || checksFailed;

  const annotations: CheckAnnotation[] = guardAnnotations(report)
    .filter((a) => a.file !== null)
    .map((a) => ({ path: a.file!, line: a.line, level: a.level === "error" ? "failure" : a.level, title: a.title, message: a.message }));
  let summary = guardSummary(label, report, ignored);
  if (checksLine) summary += `\n\n${checksLine}`;
  const title = report.blocked
    ? `Blocked: ${[...new Set(report.findings.filter((f) => f.severity === "block" && f.allowed === undefined).map((f) => f.rule))].join(", ")}`
    : checksFailed
      ? "The checks did not pass"
      : `Passed${report.allowed.some((a) => a.count > 0) ? (recorded ? " with recorded overrides" : " with overrides") : ""}`;

  // A fork's pull_request token cannot write checks: say so, and report on the job instead.
  const forkReadOnly = pull.fromFork === true && env.eventName === "pull_request";
  let run: { id: number; requests: number } | null = null;
  let degraded: string | null = forkReadOnly
    ? `#${pull.number} comes from a fork: on pull_request its token is read-only and cannot create check runs.`
    : null;
  if (!degraded)
    try {
      run = await forge.publishCheckRun({
        name: GUARD_CHECK,
        headSha,
        conclusion: failing ? "failure" : "success",
        title,
        summary,
        annotations,
      });
    } catch (e) {
      if (!isFirebreakError(e) || e.code !== "FORGE_FORBIDDEN") throw e;
      degraded = `The token may not create check runs here (${e.message}).`;
    }
  if (degraded) {
    log.line(
      `::notice title=${GUARD_CHECK}::${degraded} The findings are on this job instead: annotations and the job summary; the step fails on a block. For a check run, run this mode on pull_request_target or with a token that has checks: write.`,
    );
    for (const a of guardAnnotations(report)) log.line(formatAnnotation(a, "github"));
    summary += `\n\n${degraded} No check run was created: this summary and the job's annotations are the report.`;
  }
  appendSummary(env.summaryPath, summary);
  writeOutputs(env.outputPath, {
    result: failing ? "blocked" : "passed",
    "check-run-id": run ? String(run.id) : "",
    json: JSON.stringify({
      mode: "check",
      ticket: incident?.ticket ?? null,
      pr: pull.number,
      blocked: report.blocked,
      findings: report.findings.length,
      allowed: report.allowed,
      recorded: recorded !== null,
      checkRun: run?.id ?? null,
      ...(degraded ? { degraded } : {}),
    }),
  });
  log.line(
    `${GUARD_CHECK}: ${failing ? "blocked" : "passed"} on #${pull.number} (${report.findings.length} finding(s), ${run ? `${annotations.length} annotation(s) in ${run.requests} request(s)` : "reported on the job, no check run"}).`,
  );
  if (failing) log.line(`Next: shrink the change, or comment "/firebreak allow <rule> <reason>" on #${pull.number} and re-run the check.`);
  return failing ? EXIT.blocked : EXIT.ok;
}
