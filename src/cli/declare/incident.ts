// Declares the incident's own commands (init, triage, start, status, note, log, list, confirm) on the program.
// Each action imports its command's code only when it runs (a static import() per command, so the
// bundler gives each its own chunk).

import { Option, type Command } from "commander";
import { lazy } from "./lazy.js";

export function declareIncident(program: Command): void {
  program
    .command("init")
    .description("write a commented .firebreak.yml from what this repository looks like")
    .option("--force", "overwrite an existing .firebreak.yml")
    .option("--stdout", "print it instead of writing the file")
    .action(lazy(() => import("../commands/init.js")));

  program
    .command("triage")
    .description("decide the priority (P0–P3), the deadline and what that level requires")
    .option("--criteria <ids>", "comma-separated criterion ids (see --list)")
    .option("--input <json|file|->", 'JSON input: {"criteria":[…],"productionBroken":true,"deadline":false,"discovered":"…"}')
    .option("--not-broken", "production is not broken (with no deadline this is not an emergency)")
    .option("--deadline", "a business deadline is at risk (P3 material)")
    .option("--discovered <when>", "when it was discovered: 14:23, '2026-11-27 14:23' or ISO (default now)")
    .option("--list", "list every criterion id by level")
    .action(lazy(() => import("../commands/triage.js")));

  program
    .command("start")
    .description("open an incident: fetch, create the hotfix branch from production, start the clock")
    .argument("[ticket]", "ticket id, e.g. ENG-1234")
    .argument("[title]", "what is broken, in a few words")
    .addOption(new Option("-p, --priority <level>", "P0, P1, P2 or P3 (or decide with --criteria)"))
    .option("--criteria <ids>", "triage criterion ids; the level follows from them")
    .option("--discovered <when>", "when it was discovered: 14:23, '2026-11-27 14:23' or ISO (default now)")
    .option("--base <branch>", "production branch (default from .firebreak.yml, else the remote's HEAD)")
    .option("--no-push", "do not publish the hotfix branch yet")
    .option(
      "--carry-config",
      "production on the remote lacks this .firebreak.yml: commit it onto the hotfix branch (the guard leaves it out)",
    )
    .option("--dry-run", "print the plan and change nothing")
    .action(lazy(() => import("../commands/start.js")));

  program
    .command("status")
    .description("the checklist for the incident's level: what is done, what is next, the time left")
    .argument("[ticket]", "default: the incident whose branch is checked out")
    .option("-n, --tail <count>", "timeline events to show", "5")
    .action(lazy(() => import("../commands/status.js")));

  program
    .command("note")
    .description("add a note to the timeline")
    .argument("<text>", "what happened")
    .option("--at <when>", "when it happened: 14:30, '2026-11-27 14:30' or ISO (default now)")
    .option("--impact", "this note is the impact (who, how badly, what users see): the PR, messages and review use it")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .action(lazy(() => import("../commands/note.js")));

  program
    .command("log")
    .description("the timeline in UTC")
    .argument("[ticket]", "default: the incident whose branch is checked out")
    .option("--verify", "check the hash chain: detects edited, deleted or reordered events")
    .action(lazy(() => import("../commands/log.js")));

  program
    .command("list")
    .description("incidents in progress")
    .option("--all", "include resolved and abandoned ones")
    .action(lazy(() => import("../commands/list.js")));

  program
    .command("confirm")
    .description("tick a manual checklist item on the record")
    .argument("<item>", "reproduced | fixed | happy-path | edge-cases | no-regressions | oncall-notified | monitoring | staging-verified")
    .option("--note <text>", "what was seen")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .action(lazy(() => import("../commands/confirm.js")));
}
