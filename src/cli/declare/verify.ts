// Declares the verify area's commands (verify) on the program. Each action imports its command's
// code only when it runs (a static import() per command, so the bundler gives each its own chunk):
//   program.command("x")….action(lazy(() => import("../commands/x.js")));

import { Option, type Command } from "commander";
import { lazy } from "./lazy.js";

export function declareVerify(program: Command): void {
  program
    .command("verify")
    .description(
      "verify a deploy: smoke tests, then the metrics against before the deploy until a verdict, then on to the window's end for a late regression (exit 0 verified, 5 regression or inconclusive)",
    )
    .option("--env <env>", "production or staging", "production")
    .option("--window <duration>", "the longest watch, e.g. 30m, 90s, 1h (default verify.windowMinutes, 30 min)")
    .option("--since <when>", "when the deploy happened: 14:23, '2026-11-27 14:23' or ISO (default: the deploy on the record, else now)")
    .option(
      "--stop-at-verdict",
      'stop at "verified" instead of watching on to the window\'s end for a late regression (verify.keepWatching: false)',
    )
    .option("--keep-watching", 'after "verified", watch on to the window\'s end even where verify.keepWatching is false')
    .option("--no-rollback", "never roll back, even when verify.autoRollback is set for the level")
    .option("--no-incident", "verify without an incident (a deploy another tool made): print, record nothing")
    .option(
      "--capture-baseline",
      "sample the scrape and json metrics now, before a deploy, as its baseline (until the watch could catch a regression, at most verify.baselineMaxSeconds)",
    )
    .option("--background", "with --capture-baseline: sample in the background until ship takes the baseline (as firebreak pr does)")
    // The background sampler's own process (started by pr or --background); not for people.
    .addOption(new Option("--run-sampler").hideHelp())
    .option("--plan", "before a deploy: what a watch could catch with the baselines at hand (reads the sources, watches nothing)")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .action(lazy(() => import("../commands/verify.js")));
}
