// Declares the backport area's commands (backport) on the program. Each action imports its command's
// code only when it runs (a static import() per command, so the bundler gives each its own chunk).

import type { Command } from "commander";
import { collect } from "./collect.js";
import { lazy } from "./lazy.js";

export function declareBackport(program: Command): void {
  program
    .command("backport")
    .description("carry the fix to other branches (no checkout): backport/<short>/hotfix-<TICKET> pushed and a PR per target")
    .option("--to <branches>", "target branches, comma-separated (default: backport.targets in .firebreak.yml)")
    .option("--plan", "list the targets that still need the fix and those that have it; change nothing")
    .option("--continue", "after resolving a conflict in the worktree shown: check for markers, commit, push, open the PR")
    .option("--abort", "give up on the conflicted targets: remove their worktree and local branch")
    .option("--force", "with --abort: also drop a resolution already committed (named in the output)")
    .option("--commit <sha>", "backport these commits instead of the incident's (repeatable; works without an incident)", collect)
    .option(
      "--pr <number>",
      "backport the commits this merged pull request landed (merge, squash or rebase); without --to, its backport labels name the targets",
    )
    .option("--draft-conflicts", "with --pr, in CI: open a conflicted target as a draft PR with its markers, labelled backport-failed")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out (with --commit: names the branch)")
    .addHelpText(
      "after",
      `
Exit codes: 0 every target has the fix · 6 a target conflicts · 9 a target failed

Examples:
  firebreak backport --plan
  firebreak backport --to release-candidate,develop
  firebreak backport --continue --to develop   # from any folder of the repository, the conflict worktree included
  firebreak backport --commit 1a2b3c4 --to develop -t ENG-1234
  firebreak backport --pr 123 --to release-1.4 -t ENG-1234
  firebreak backport --pr 123 --draft-conflicts   # in CI: targets from its "backport <branch>" labels`,
    )
    .action(lazy(() => import("../commands/backport.js")));
}
