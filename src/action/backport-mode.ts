// mode: backport — a merged PR carried to other branches, one backport PR per target, from labels
// (`backport <branch>`, `backport all-supported` for every backport.targets entry in
// .firebreak.yml) or a `/firebreak backport <branch>` comment by someone with write access.
// What is asked, which commits landed and what each target came to are the core's
// (backport/requests.ts, backport/pr-commits.ts, workflow/backport-pr.ts): this file reads the
// event, reports the check run and the job summary, and writes the outputs.

import type { App } from "../app/app.js";
import { defaultShort } from "../backport/targets.js";
import { assertSafeRef } from "../adapters/git/safety.js";
import type { BackportTarget } from "../backport/types.js";
import { backportCommands, targetsOfLabel, targetsOfLabels, type ConfiguredTarget } from "../backport/requests.js";
import { mergedPrCommits } from "../backport/pr-commits.js";
import { runBackport } from "../workflow/backport.js";
import { finishTargets, overall, refusedTarget, type TargetReport } from "../workflow/backport-pr.js";
import { EXIT } from "../errors.js";
import { CAN_WRITE } from "./commands.js";
import { appendSummary, writeOutputs, type ActionsEnv } from "./environment.js";
import { commentOf, pullOf } from "./event.js";
import { actionForge, BACKPORT_CHECK } from "./forge.js";
import type { ActionLog } from "./log.js";
import { cell } from "./summary.js";
import { incidentOrNone } from "./record.js";

export async function runBackportMode(app: App, env: ActionsEnv, log: ActionLog): Promise<number> {
  const pull = pullOf(env.eventName, env.event);
  if (!pull) {
    log.warn(`mode backport runs on pull_request (closed, labeled) or a PR's issue_comment, not ${env.eventName || "this event"}.`);
    return EXIT.ok;
  }
  if (env.defaultToken)
    // A workflow command, so the warning shows on the run's page, not only in the log.
    log.line(
      "::warning title=firebreak backport::The backport PRs are opened with the default GITHUB_TOKEN, whose events start no workflow: their CI will not run. Give the action a GitHub App or fine-grained token (docs/action.md).",
    );
  const forge = actionForge(env, { log: (l) => log.info(l) });
  const facts = await forge.pullRequestFacts(pull.number);
  if (facts.state !== "merged" || !facts.mergeCommitSha) {
    log.line(`#${pull.number} is not merged: nothing to backport yet (the backport runs when it is merged).`);
    return EXIT.ok;
  }

  // Which targets: the labels (only the new one on a `labeled` event), a comment, the input.
  const config = await app.config();
  const configured = (config.backport.targets ?? []) as ConfiguredTarget[];
  const names = new Set<string>();
  const action = typeof env.event.action === "string" ? env.event.action : "";
  if (env.eventName.startsWith("pull_request") && action === "labeled")
    for (const b of targetsOfLabel((env.event.label as { name?: string } | undefined)?.name ?? "", configured)) names.add(b);
  else if (env.eventName.startsWith("pull_request")) for (const b of targetsOfLabels(facts.labels, configured)) names.add(b);
  const comment = commentOf(env.eventName, env.event);
  if (comment) {
    const asked = backportCommands(comment.body);
    if (asked.length > 0) {
      const permission = await forge.permissionOf(comment.author);
      if ((CAN_WRITE as readonly string[]).includes(permission)) for (const b of asked) names.add(b);
      else log.warn(`@${comment.author} asked for a backport, but only people with write access can (theirs: ${permission}).`);
    }
  }
  for (const b of env
    .input("targets")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean))
    names.add(b);
  if (names.size === 0) {
    log.line(`No backport asked for on #${pull.number}: add a label "backport <branch>" or comment "/firebreak backport <branch>".`);
    writeOutputs(env.outputPath, { result: "none", prs: "[]", json: JSON.stringify({ mode: "backport", pr: pull.number, targets: [] }) });
    return EXIT.ok;
  }

  // A label or comment is anyone's text: a name git would read as an option or a bad ref is refused, visibly.
  const refused: TargetReport[] = [];
  for (const name of [...names])
    await assertSafeRef(name, "backport target").catch((e: Error) => {
      names.delete(name);
      refused.push(refusedTarget(name, e.message));
    });
  const remote = config.production.remote;
  const targets: BackportTarget[] = [...names].map((branch) => ({
    branch,
    short: configured.find((t) => t.branch === branch)?.short ?? defaultShort(branch),
  }));
  // The backport needs no record; with one, it is recorded on the incident.
  const incident = await incidentOrNone(app, env.input("ticket") || undefined, facts.head).catch((e: Error) => {
    log.warn(`The incident record could not be read (${e.message}): the backport runs without it.`);
    return null;
  });
  const ticket = incident?.ticket ?? (env.input("ticket") || `pr-${pull.number}`);
  await app.git.fetch(remote, [...names]).catch((e: Error) => log.warn(`Could not fetch ${[...names].join(", ")}: ${e.message}`));
  const landed = await mergedPrCommits(app.git, forge, remote, pull.number);
  if (landed.note) log.line(`::warning title=firebreak backport::${landed.note}`);
  log.info(`#${pull.number} landed by ${landed.by}: ${landed.commits.length} commit(s) to carry.`);
  const root = await app.repoRoot();
  const outcomes =
    targets.length === 0
      ? []
      : await runBackport(
          {
            cwd: root,
            git: app.git,
            forge,
            remote,
            journal: incident ? { ...(await app.effectDeps()), incident } : null,
            repoRoot: root,
            progress: (m) => log.info(m),
          },
          { ticket, targets, fixCommits: landed.commits },
        );

  const finished = await finishTargets({ git: app.git, forge, remote, log: (l) => log.warn(l) }, facts, outcomes, "draft");
  const reports: TargetReport[] = [...refused, ...finished];
  const { result, exit } = overall(reports);
  const failed = reports.filter((r) => r.status === "conflicted" || r.status === "failed");
  const summary = backportSummary(pull.number, reports);
  const run = await forge.publishCheckRun({
    name: BACKPORT_CHECK,
    headSha: facts.mergeCommitSha,
    conclusion: failed.length ? "failure" : "success",
    title: failed.length
      ? `Needs a person: ${failed.map((r) => r.target).join(", ")}`
      : `Backported to ${reports.map((r) => r.target).join(", ")}`,
    summary,
    annotations: [],
  });
  appendSummary(env.summaryPath, summary);
  writeOutputs(env.outputPath, {
    result,
    prs: JSON.stringify(reports.flatMap((r) => (r.pr === null ? [] : [r.pr]))),
    "check-run-id": String(run.id),
    json: JSON.stringify({ mode: "backport", pr: pull.number, ticket, landedBy: landed.by, commits: landed.commits, targets: reports }),
  });
  for (const r of reports)
    log.line(
      `${r.target}: ${r.status}${r.pr ? ` → #${r.pr}${r.draft ? " (draft: resolve the conflict)" : ""}` : ""}${r.reason ? ` (${r.reason})` : ""}`,
    );
  if (failed.length) log.line(`Next: finish ${failed.map((r) => (r.pr ? `#${r.pr}` : r.target)).join(", ")} as its PR body says.`);
  return exit;
}

function backportSummary(number: number, reports: readonly TargetReport[]): string {
  const lines = [`### Firebreak backport of #${number}`, "", "| Target | Result | PR | Conflicting files |", "|---|---|---|---|"];
  for (const r of reports)
    lines.push(
      `| ${cell(r.target)} | ${r.status}${r.draft ? " (draft)" : ""} | ${r.pr ? `#${r.pr}` : "-"} | ${cell(r.files.join(", ") || "-")} |`,
    );
  return lines.join("\n");
}
