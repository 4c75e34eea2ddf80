// Declares `firebreak go`: the whole route from the fix to verified in one command (commands/go.ts).

import type { Command } from "commander";
import { collect } from "./collect.js";
import { lazy } from "./lazy.js";

export function declareGo(program: Command): void {
  program
    .command("go")
    .description(
      "run each next step of the incident's route (check → commit → pr → gate → ship → verify → announce → backport → review), asking before ship, announce and rollback",
    )
    .argument("[ticket]", "default: the incident whose branch is checked out")
    .option("--yes <steps>", "decisions already taken, comma-separated: ship, announce, rollback")
    .option("--plan", "print the route from where the incident stands, with what each step needs; run nothing")
    .option("--what <text>", "what was broken (for the commit, when the record lacks it)")
    .option("--root-cause <text>", "the root cause (for the commit, when the record lacks it)")
    .option("--waive <reason>", "P0 only: waive the approval with this reason when none is given (review after the deploy)")
    .option(
      "--wait <minutes>",
      "wait this long for a reviewer's approval, reading the record every few seconds (default: 30 at a terminal, 0 otherwise)",
    )
    .option(
      "--confirm <item=note>",
      "record a check you made (reproduced, fixed, happy-path, edge-cases, no-regressions); repeatable",
      collect,
    )
    .option("--public-title <text>", "what customers read as the title, for the announcement")
    .option("--public-summary <text>", "what customers read as what happened, for the announcement")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .action(lazy(() => import("../commands/go.js")));
}
