// Declares the ship area's commands (ship, rollback, waive, unlock) on the program. Each action imports its command's
// code only when it runs (a static import() per command, so the bundler gives each its own chunk).

import type { Command } from "commander";
import { lazy } from "./lazy.js";

export function declareShip(program: Command): void {
  program
    .command("gate")
    .description(
      "show the deploy gate (approval, waiver, CI green, staging where the level needs it); exit 5 when closed (for a required CI check)",
    )
    .option("--to <env>", "staging or production (default: as ship would choose)")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .action(lazy(() => import("../commands/gate.js")));

  program
    .command("ship")
    .description("check the deploy gate, then merge the PR, tag the next patch version and deploy (staging or production)")
    .option("--to <env>", "staging or production (default: production for P0, else staging first when a staging deployer exists)")
    .option("--dry-run", "show the gate, the version, what will run and the rollback plan; merge, tag and deploy nothing")
    .option("--tag <version>", "release as this tag instead of the next patch (after a tag collision)")
    .option("--redeploy", "an interrupted deploy nobody can confirm did not happen: deploy again")
    .option("--confirm-deployed", "an interrupted deploy nobody could confirm is live: record it as done")
    .option("--no-verify", "do not run firebreak verify after the deploy (it runs when verify has smoke tests or metrics)")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .action(lazy(() => import("../commands/ship.js")));

  program
    .command("rollback")
    .description("undo the release in production: revert and redeploy, the previous version, or the feature flag off")
    .argument("[ticket]", "default: the incident whose branch is checked out")
    .option(
      "--strategy <strategy>",
      "revert, previous or flag (default: rollback.strategy, else previous when the deployer can roll back, else revert)",
    )
    .option("--reason <text>", "why; recorded on the timeline")
    .option("--dry-run", "show the rollback plan and change nothing")
    .option("--redeploy", "an interrupted rollback deploy nobody can confirm did not happen: deploy again")
    .option("--confirm-deployed", "an interrupted rollback deploy nobody could confirm is live: record it as done")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .action(lazy(() => import("../commands/rollback.js")));

  program
    .command("waive")
    .description("waive a gate item with a recorded reason (approval, P0 only; a review after the deploy is then due)")
    .argument("<item>", "approval")
    .option("--reason <text>", "why it is waived (required)")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .action(lazy(() => import("../commands/waive.js")));

  program
    .command("unlock")
    .description("release a ship/rollback lock whose run is gone for good (without an id: list the locks)")
    .argument("[id]", "the lock id, e.g. lk_1a2b3c4d")
    .option("--force", "release it although its run seems to be working (its pid was reused by another program)")
    .action(lazy(() => import("../commands/unlock.js")));
}
