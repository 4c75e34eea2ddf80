// mode: check — the guard on a hotfix PR, reported as a check run with one annotation per finding
// on a file, a table in the job summary, and a failing conclusion on a block. Overrides come from
// `/firebreak allow RULE reason…` comments by people with write access; the check operation
// records each on the incident's timeline like a --allow given on the command line.

import type { App } from "../app/app.js";
import { findIncident } from "../app/resolve-incident.js";
import { check } from "../workflow/check.js";
import { isGuardRule } from "../guard/defaults.js";
import { EXIT } from "../errors.js";
import type { CheckAnnotation } from "../ports/forge.js";
import { guardAnnotations } from "./annotations.js";
import { allowCommands, CAN_WRITE } from "./commands.js";
import { appendSummary, writeOutputs, type ActionsEnv } from "./environment.js";
import { pullOf } from "./event.js";
import { actionForge, GUARD_CHECK } from "./forge.js";
import { guardSummary } from "./summary.js";
import type { ActionLog } from "./log.js";

export async function runCheckMode(app: App, env: ActionsEnv, log: ActionLog): Promise<number> {
  const pull = pullOf(env.eventName, env.event);
  if (!pull) {
    log.warn(`mode check runs on pull_request or a PR's issue_comment events, not ${env.eventName || "this event"}; nothing to check.`);
    return EXIT.ok;
  }
  const forge = actionForge(env, { log: (l) => log.info(l) });
  const facts = pull.headRef && pull.headSha ? null : await forge.pullRequestFacts(pull.number);
  const headRef = pull.headRef ?? facts!.head;
  const headSha = pull.headSha ?? facts!.headSha;
  const incident = await findIncident(await app.store(), env.input("ticket") || undefined, headRef);

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
  const outcome = await check(app, { incident, guardOnly: !runChecks, allows: [...byRule.values()] });
  const report = outcome.guard!;
  const checksFailed = outcome.kind === "checks" && !outcome.ok;
  const failing = report.blocked || checksFailed;

  const annotations: CheckAnnotation[] = guardAnnotations(report)
    .filter((a) => a.file !== null)
    .map((a) => ({ path: a.file!, line: a.line, level: a.level === "error" ? "failure" : a.level, title: a.title, message: a.message }));
  let summary = guardSummary(incident.ticket, report, ignored);
  if (outcome.kind === "checks")
    summary += `\n\nChecks: ${outcome.ok ? "passed" : "did not pass"} (passed: ${outcome.passed.join(", ") || "none"}; failed: ${outcome.failed.join(", ") || "none"}).`;
  const run = await forge.publishCheckRun({
    name: GUARD_CHECK,
    headSha,
    conclusion: failing ? "failure" : "success",
    title: report.blocked
      ? `Blocked: ${[...new Set(report.findings.filter((f) => f.severity === "block" && f.allowed === undefined).map((f) => f.rule))].join(", ")}`
      : checksFailed
        ? "The checks did not pass"
        : `Passed${report.allowed.some((a) => a.count > 0) ? " with recorded overrides" : ""}`,
    summary,
    annotations,
  });
  appendSummary(env.summaryPath, summary);
  writeOutputs(env.outputPath, {
    result: failing ? "blocked" : "passed",
    "check-run-id": String(run.id),
    json: JSON.stringify({
      mode: "check",
      ticket: incident.ticket,
      pr: pull.number,
      blocked: report.blocked,
      findings: report.findings.length,
      allowed: report.allowed,
      checkRun: run.id,
    }),
  });
  log.line(
    `${GUARD_CHECK}: ${failing ? "blocked" : "passed"} on #${pull.number} (${report.findings.length} finding(s), ${annotations.length} annotation(s) in ${run.requests} request(s)).`,
  );
  if (failing) log.line(`Next: shrink the change, or comment "/firebreak allow <rule> <reason>" on #${pull.number} and re-run the check.`);
  return failing ? EXIT.blocked : EXIT.ok;
}
