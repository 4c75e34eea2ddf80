// mode: backport — a merged PR carried to other branches, one backport PR per target, from labels
// (`backport <branch>`, `backport all-supported` for every backport.targets entry in
// .firebreak.yml) or a `/firebreak backport <branch>` comment by someone with write access.
// Each PR gets the original's labels, reviewers and milestone. A conflict is never a silent
// success: its state is pushed as a draft PR listing the files and the commands to finish
// locally, labelled backport-failed, and the run's check and exit fail.

import type { App } from "../app/app.js";
import { findIncident } from "../app/resolve-incident.js";
import { defaultShort } from "../backport/targets.js";
import { assertSafeRef } from "../adapters/git/safety.js";
import type { BackportTarget } from "../backport/types.js";
import { runBackport, type TargetOutcome } from "../workflow/backport.js";
import { EXIT } from "../errors.js";
import type { PullRequestFacts } from "../ports/forge.js";
import { backportCommands, CAN_WRITE } from "./commands.js";
import { appendSummary, writeOutputs, type ActionsEnv } from "./environment.js";
import { commentOf, pullOf } from "./event.js";
import { actionForge, BACKPORT_CHECK } from "./forge.js";
import type { GitHubForge } from "../adapters/forge/github.js";
import type { ActionLog } from "./log.js";
import { mergedPrCommits } from "./pr-commits.js";
import { cell } from "./summary.js";

export const BACKPORT_LABEL = /^backport\s+(\S+)$/;
export const ALL_SUPPORTED = "all-supported";
const FAILED_LABEL = { name: "backport-failed", color: "b60205", description: "A backport that needs a person: see the draft PR" };

export interface TargetReport {
  target: string;
  status: TargetOutcome["status"];
  pr: number | null;
  url: string | null;
  draft: boolean;
  files: string[];
  reason: string | null;
}

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
  const configured = (config.backport.targets ?? []) as { branch: string; short?: string }[];
  const names = new Set<string>();
  const fromLabel = (label: string) => {
    const m = BACKPORT_LABEL.exec(label.trim());
    if (!m) return;
    if (m[1] === ALL_SUPPORTED) for (const t of configured) names.add(t.branch);
    else names.add(m[1]!);
  };
  const action = typeof env.event.action === "string" ? env.event.action : "";
  if (env.eventName.startsWith("pull_request") && action === "labeled") {
    const label = (env.event.label as { name?: string } | undefined)?.name ?? "";
    fromLabel(label);
  } else if (env.eventName.startsWith("pull_request")) for (const l of facts.labels) fromLabel(l);
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
      refused.push({ target: name, status: "failed", pr: null, url: null, draft: false, files: [], reason: e.message });
    });
  const remote = config.production.remote;
  const targets: BackportTarget[] = [...names].map((branch) => ({
    branch,
    short: configured.find((t) => t.branch === branch)?.short ?? defaultShort(branch),
  }));
  const incident = await findIncident(await app.store(), env.input("ticket") || undefined, facts.head).catch(() => null);
  const ticket = incident?.ticket ?? (env.input("ticket") || `pr-${pull.number}`);
  await app.git.fetch(remote, [...names]).catch((e: Error) => log.warn(`Could not fetch ${[...names].join(", ")}: ${e.message}`));
  const fixCommits = await mergedPrCommits(app.git, forge, remote, pull.number);
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
          { ticket, targets, fixCommits },
        );

  const reports: TargetReport[] = [...refused];
  for (const o of outcomes) reports.push(await finish(app, forge, facts, remote, o, pull.number, log));
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
    result: failed.length === 0 ? "done" : reports.some((r) => r.status === "failed") ? "failed" : "conflicted",
    prs: JSON.stringify(reports.flatMap((r) => (r.pr === null ? [] : [r.pr]))),
    "check-run-id": String(run.id),
    json: JSON.stringify({ mode: "backport", pr: pull.number, ticket, targets: reports }),
  });
  for (const r of reports)
    log.line(
      `${r.target}: ${r.status}${r.pr ? ` → #${r.pr}${r.draft ? " (draft: resolve the conflict)" : ""}` : ""}${r.reason ? ` (${r.reason})` : ""}`,
    );
  if (failed.length) log.line(`Next: finish ${failed.map((r) => (r.pr ? `#${r.pr}` : r.target)).join(", ")} as its PR body says.`);
  return failed.length === 0 ? EXIT.ok : reports.some((r) => r.status === "failed") ? EXIT.external : EXIT.conflict;
}

/** Copies labels, reviewers and milestone to an opened PR; turns a conflict into a draft PR. */
async function finish(
  app: App,
  forge: GitHubForge,
  original: PullRequestFacts,
  remote: string,
  o: TargetOutcome,
  number: number,
  log: ActionLog,
): Promise<TargetReport> {
  const base: TargetReport = {
    target: o.target.branch,
    status: o.status,
    pr: o.pr?.number ?? null,
    url: o.pr?.url ?? null,
    draft: false,
    files: o.files ?? [],
    reason: o.reason ?? null,
  };
  if (o.status === "done" && o.pr) {
    await copyMetadata(forge, original, o.pr.number, []);
    return base;
  }
  if (o.status !== "conflicted" || !o.worktree) return base;
  try {
    const pr = await draftForConflict(app, forge, original, remote, o, number);
    await copyMetadata(forge, original, pr.number, [FAILED_LABEL.name]);
    return { ...base, pr: pr.number, url: pr.url, draft: true };
  } catch (e) {
    log.warn(`${o.target.branch}: the conflict could not be opened as a draft PR (${e instanceof Error ? e.message : String(e)}).`);
    return { ...base, reason: `${base.reason ?? "conflict"}; no draft PR could be opened` };
  }
}

async function copyMetadata(forge: GitHubForge, original: PullRequestFacts, to: number, extra: string[]): Promise<void> {
  if (extra.includes(FAILED_LABEL.name)) await forge.ensureLabels([FAILED_LABEL]);
  // The backport labels asked for this run are left behind: on the new PR they would ask again.
  const labels = [...original.labels.filter((l) => !BACKPORT_LABEL.test(l)), ...extra];
  await forge.addLabels(to, labels);
  const reviewers = [...new Set([...original.requestedReviewers, ...(await forge.listApprovals(original.number)).map((a) => a.by)])];
  if (reviewers.length) await forge.requestReviewers(to, reviewers);
  if (original.milestone !== null) await forge.setMilestone(to, original.milestone);
}

/** The conflicted state committed as it is (markers included, so it cannot pass as done), pushed, and opened as a draft. */
async function draftForConflict(
  app: App,
  forge: GitHubForge,
  original: PullRequestFacts,
  remote: string,
  o: TargetOutcome,
  number: number,
) {
  const wt = o.worktree!;
  const identity = (await app.git.userName()) ? [] : ["-c", "user.name=firebreak", "-c", "user.email=firebreak@users.noreply.github.com"];
  await app.git.git(["-C", wt, "add", "-A"]);
  await app.git.git([
    "-C",
    wt,
    ...identity,
    "commit",
    "--no-verify",
    "-m",
    `backport #${number} to ${o.target.branch}: CONFLICTS TO RESOLVE in ${(o.files ?? []).join(", ")}`,
  ]);
  await app.git.git(["-C", wt, "push", "--force", remote, `HEAD:refs/heads/${o.branch}`]);
  const files = o.files ?? [];
  const body = [
    `Backport of #${number} to \`${o.target.branch}\`: **it conflicts**, so this draft holds the conflict markers as git left them.`,
    "",
    "Conflicting files:",
    ...files.map((f) => `- \`${f}\``),
    "",
    "To finish it locally:",
    "```sh",
    `git fetch ${remote} ${o.branch}`,
    `git switch ${o.branch}`,
    `# resolve the markers in: ${files.join(" ")}`,
    `git add ${files.map((f) => `'${f.replace(/'/g, "'\\''")}'`).join(" ")}`,
    "git commit --amend --no-edit",
    `git push --force-with-lease ${remote} ${o.branch}`,
    "```",
    "Then mark this PR ready for review and remove the `backport-failed` label.",
  ].join("\n");
  return (
    (await forge.findPullRequest(o.branch, o.target.branch)) ??
    (await forge.openPullRequest({
      head: o.branch,
      base: o.target.branch,
      title: `[Backport ${o.target.branch}] ${original.title} (conflicts)`,
      body,
      draft: true,
    }))
  );
}

function backportSummary(number: number, reports: readonly TargetReport[]): string {
  const lines = [`### Firebreak backport of #${number}`, "", "| Target | Result | PR | Conflicting files |", "|---|---|---|---|"];
  for (const r of reports)
    lines.push(
      `| ${cell(r.target)} | ${r.status}${r.draft ? " (draft)" : ""} | ${r.pr ? `#${r.pr}` : "-"} | ${cell(r.files.join(", ") || "-")} |`,
    );
  return lines.join("\n");
}
