// A merged pull request carried to other branches, after the engine ran (workflow/backport.ts): what
// each target came to, as one report each, with the original PR's labels, reviewers and milestone
// copied onto every PR opened. A conflict is never a silent success: where no person is there to
// resolve it (CI), its state is committed with its markers, pushed, and opened as a draft PR that
// lists the files and the commands to finish locally, labelled backport-failed. The Action and the
// CLI's `backport --pr N` both finish their targets here.

import type { Git } from "../ports/git.js";
import type { CiForge, Forge, Label, PullRequestFacts } from "../ports/forge.js";
import { isBackportLabel } from "../backport/requests.js";
import { EXIT } from "../errors.js";
import type { TargetOutcome } from "./backport.js";

export const FAILED_LABEL: Label = {
  name: "backport-failed",
  color: "b60205",
  description: "A backport that needs a person: see the draft PR",
};

/** One target's result, as the Action's `json` output and `backport --pr N --json` give it. */
export interface TargetReport {
  target: string;
  status: TargetOutcome["status"];
  pr: number | null;
  url: string | null;
  draft: boolean;
  files: string[];
  reason: string | null;
}

/** What finishing needs of the forge: the PR calls of a hosted forge. */
export type BackportPrForge = Pick<
  Forge,
  "findPullRequest" | "openPullRequest" | "ensureLabels" | "addLabels" | "requestReviewers" | "listApprovals"
> &
  Pick<CiForge, "setMilestone">;

export interface FinishDeps {
  git: Git;
  forge: BackportPrForge;
  remote: string;
  log?: (line: string) => void;
}

/** How a conflict ends: a draft PR (nobody at a terminal: CI), or left in its worktree for `--continue`. */
export type ConflictHandling = "draft" | "local";

export function refusedTarget(target: string, reason: string): TargetReport {
  return { target, status: "failed", pr: null, url: null, draft: false, files: [], reason };
}

export function reportOf(o: TargetOutcome): TargetReport {
  return {
    target: o.target.branch,
    status: o.status,
    pr: o.pr?.number ?? null,
    url: o.pr?.url ?? null,
    draft: false,
    files: o.files ?? [],
    reason: o.reason ?? null,
  };
}

/** Every target's report, PRs labelled like the original and conflicts handled as asked. */
export async function finishTargets(
  deps: FinishDeps,
  original: PullRequestFacts,
  outcomes: readonly TargetOutcome[],
  conflicts: ConflictHandling,
): Promise<TargetReport[]> {
  const reports: TargetReport[] = [];
  for (const o of outcomes) reports.push(await finishTarget(deps, original, o, conflicts));
  return reports;
}

async function finishTarget(
  deps: FinishDeps,
  original: PullRequestFacts,
  o: TargetOutcome,
  conflicts: ConflictHandling,
): Promise<TargetReport> {
  const base = reportOf(o);
  if (o.status === "done" && o.pr) {
    await copyMetadata(deps.forge, original, o.pr.number, []);
    return base;
  }
  if (o.status !== "conflicted" || !o.worktree || conflicts === "local") return base;
  try {
    const pr = await draftForConflict(deps, original, o);
    await copyMetadata(deps.forge, original, pr.number, [FAILED_LABEL.name]);
    return { ...base, pr: pr.number, url: pr.url, draft: true };
  } catch (e) {
    deps.log?.(`${o.target.branch}: the conflict could not be opened as a draft PR (${e instanceof Error ? e.message : String(e)}).`);
    return { ...base, reason: `${base.reason ?? "conflict"}; no draft PR could be opened` };
  }
}

async function copyMetadata(forge: BackportPrForge, original: PullRequestFacts, to: number, extra: string[]): Promise<void> {
  if (extra.includes(FAILED_LABEL.name)) await forge.ensureLabels([FAILED_LABEL]);
  // The backport labels asked for this run are left behind: on the new PR they would ask again.
  const labels = [...original.labels.filter((l) => !isBackportLabel(l)), ...extra];
  await forge.addLabels(to, labels);
  const reviewers = [...new Set([...original.requestedReviewers, ...(await forge.listApprovals(original.number)).map((a) => a.by)])];
  if (reviewers.length) await forge.requestReviewers(to, reviewers);
  if (original.milestone !== null) await forge.setMilestone(to, original.milestone);
}

/** The conflicted state committed as it is (markers included, so it cannot pass as done), pushed, and opened as a draft. */
async function draftForConflict(deps: FinishDeps, original: PullRequestFacts, o: TargetOutcome) {
  const { git, forge, remote } = deps;
  const wt = o.worktree!;
  const files = o.files ?? [];
  const identity = (await git.userName()) ? [] : ["-c", "user.name=firebreak", "-c", "user.email=firebreak@users.noreply.github.com"];
  await git.git(["-C", wt, "add", "-A"]);
  await git.git([
    "-C",
    wt,
    ...identity,
    "commit",
    "--no-verify",
    "-m",
    `backport #${original.number} to ${o.target.branch}: CONFLICTS TO RESOLVE in ${files.join(", ")}`,
  ]);
  await git.git(["-C", wt, "push", "--force", remote, `HEAD:refs/heads/${o.branch}`]);
  const body = [
    `Backport of #${original.number} to \`${o.target.branch}\`: **it conflicts**, so this draft holds the conflict markers as git left them.`,
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

/**
 * The run as a whole: done when every target has the fix; a conflict first (a person resolves it,
 * exit 6), then a failure (exit 9). The CLI's exit code and the Action's `result` both come from here.
 */
export function overall(reports: readonly Pick<TargetReport, "status">[]): {
  result: "none" | "done" | "conflicted" | "failed";
  exit: number;
} {
  if (reports.length === 0) return { result: "none", exit: EXIT.ok };
  if (reports.some((r) => r.status === "conflicted")) return { result: "conflicted", exit: EXIT.conflict };
  if (reports.some((r) => r.status === "failed")) return { result: "failed", exit: EXIT.external };
  return { result: "done", exit: EXIT.ok };
}

/** Whether a forge can copy a PR's labels, reviewers and milestone (a hosted one; plain git cannot). */
export function canFinishPrs(forge: object): forge is BackportPrForge & Pick<CiForge, "pullRequestFacts"> {
  return "pullRequestFacts" in forge && "setMilestone" in forge;
}
