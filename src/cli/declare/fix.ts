// Declares the fix's commands (check, commit, pr, approve) on the program.
// Each action imports its command's code only when it runs (a static import() per command, so the
// bundler gives each its own chunk).

import type { Command } from "commander";
import { collect } from "./collect.js";
import { lazy } from "./lazy.js";

export function declareFix(program: Command): void {
  program
    .command("check")
    .description("guard the change (minimal, with a regression test), then run test, typecheck and build")
    .option("--allow <rule>", "let a blocking guard rule through; needs a --reason right after it (repeatable)", collect)
    .option("--skip <check>", "skip a check (test, typecheck, build); needs a --reason right after it (repeatable)", collect)
    .option("--reason <text>", "why the --allow or --skip before it is needed; recorded and shown in the PR", collect)
    .option("--only <checks>", "run only these checks, e.g. test")
    .option("--checks-only", "skip the guard and run only the checks")
    .option("--guard-only", "run and record the guard only; no check runs (for CI)")
    .option(
      "--ci [format]",
      "also print each guard finding as a CI annotation: github (workflow commands) or plain (default: github inside GitHub Actions)",
    )
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .option("--reopen", "go on with an incident that was already shipped (recorded on the timeline)")
    .option(
      "--base <branch>",
      "with --guard-only --ci and no incident record: the PR's base (default: GITHUB_BASE_REF, else production.branch)",
    )
    .option("--priority <level>", "with --guard-only --ci and no incident record: the level to guard at, P0-P3 (default: P1)")
    .action(lazy(() => import("../commands/check.js")));

  program
    .command("commit")
    .description("commit the staged fix: fix: <brief>, what was broken, the root cause, Ticket and Priority trailers")
    .option("--root-cause <text>", "why it broke; stored on the record for the PR, messages and review")
    .option("--what <text>", "what was broken, as users saw it")
    .option("--brief <text>", "the subject after 'fix: ' (default: the incident title)")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .option("--reopen", "go on with an incident that was already shipped (recorded on the timeline)")
    .action(lazy(() => import("../commands/commit.js")));

  program
    .command("pr")
    .description("push the branch and open (or bring up to date) the pull request, with labels and a body written from the record")
    .option("--draft", "open it as a draft")
    .option("--reviewer <login>", "request a review (repeatable, or comma-separated)", collect)
    .option("--dry-run", "print the title, labels and body; push and open nothing")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .option("--reopen", "go on with an incident that was already shipped (recorded on the timeline)")
    .action(lazy(() => import("../commands/pr.js")));

  program
    .command("approve")
    .description("record a review approval (offline git forge)")
    .option("--by <name>", "who approved it")
    .option("--note <text>", "what they said")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .action(lazy(() => import("../commands/approve.js")));

  // The GitHub Action's entry (action.yml): hidden, since it reads the Actions environment, not flags.
  program
    .command("ci-action", { hidden: true })
    .description("run the GitHub Action's mode (check, backport, gate) from the Actions environment")
    .action(lazy(() => import("../../action/command.js")));
}
