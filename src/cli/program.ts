// The firebreak command line (commander). This file only declares commands and flags; each command's code is
// imported when that command runs, so start-up stays near bare node whatever the CLI grows to.

import { Command, Option } from "commander";
import { runCommand, type CommandModule } from "./run-command.js";
import { declareShip } from "./declare/ship.js";
import { declareVerify } from "./declare/verify.js";
import { declareAnnounce } from "./declare/announce.js";
import { declareBackport } from "./declare/backport.js";
import { declareReview } from "./declare/review.js";

const version = "0.1.0";

// Static import() expressions, one per command, so the bundler splits each into its own chunk.
const commands: Record<string, () => Promise<CommandModule>> = {
  init: () => import("./commands/init.js"),
  triage: () => import("./commands/triage.js"),
  start: () => import("./commands/start.js"),
  status: () => import("./commands/status.js"),
  note: () => import("./commands/note.js"),
  log: () => import("./commands/log.js"),
  list: () => import("./commands/list.js"),
  confirm: () => import("./commands/confirm.js"),
  check: () => import("./commands/check.js"),
  commit: () => import("./commands/commit.js"),
  pr: () => import("./commands/pr.js"),
  approve: () => import("./commands/approve.js"),
  demo: () => import("./commands/demo.js"),
  "config-check": () => import("./commands/config-check.js"),
};

const program = new Command("firebreak")
  .description("Take a team through an emergency release: triage, hotfix branch, fix guard, PR, ship, verify, announce, backport, review.")
  .version(version, "-V, --version")
  .option("--json", "print machine-readable JSON on stdout")
  .option("--debug", "print stack traces for unexpected errors")
  .option(
    "--db <path>",
    "SQLite database file (default: .git/firebreak/firebreak.db; env FIREBREAK_DB, or FIREBREAK_DATABASE_URL for PostgreSQL)",
  )
  .option("-C, --dir <path>", "run as if started in <path>")
  .showHelpAfterError("(run with --help for usage)")
  // Every subcommand's --help lists --json, --db and -C too: they work after any command.
  .configureHelp({ showGlobalOptions: true })
  // Usage mistakes exit 2, as documented; help and version exit 0.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
  .addHelpText(
    "after",
    `
Start here:
  firebreak triage                      how urgent is it, and what does that level require
  firebreak start ENG-1234 "<title>" --priority P1
  firebreak status                      the checklist, what is next and the time left

Exit codes: 0 ok · 1 unexpected · 2 usage · 3 not an emergency · 4 refused · 5 blocked
            6 conflict · 7 config invalid · 8 record tampered · 9 git or service failed`,
  );

const act =
  (name: string) =>
  (...args: unknown[]) =>
    runCommand(commands[name]!, args);

program
  .command("init")
  .description("write a commented .firebreak.yml from what this repository looks like")
  .option("--force", "overwrite an existing .firebreak.yml")
  .option("--stdout", "print it instead of writing the file")
  .action(act("init"));

program
  .command("triage")
  .description("decide the priority (P0–P3), the deadline and what that level requires")
  .option("--criteria <ids>", "comma-separated criterion ids (see --list)")
  .option("--input <json|file|->", 'JSON input: {"criteria":[…],"productionBroken":true,"deadline":false,"discovered":"…"}')
  .option("--not-broken", "production is not broken (with no deadline this is not an emergency)")
  .option("--deadline", "a business deadline is at risk (P3 material)")
  .option("--discovered <when>", "when it was discovered: 14:23, '2026-11-27 14:23' or ISO (default now)")
  .option("--list", "list every criterion id by level")
  .action(act("triage"));

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
  .action(act("start"));

program
  .command("status")
  .description("the checklist for the incident's level: what is done, what is next, the time left")
  .argument("[ticket]", "default: the incident whose branch is checked out")
  .option("-n, --tail <count>", "timeline events to show", "5")
  .action(act("status"));

program
  .command("note")
  .description("add a note to the timeline")
  .argument("<text>", "what happened")
  .option("--at <when>", "when it happened: 14:30, '2026-11-27 14:30' or ISO (default now)")
  .option("--impact", "this note is the impact (who, how badly, what users see): the PR, messages and review use it")
  .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
  .action(act("note"));

program
  .command("log")
  .description("the timeline in UTC")
  .argument("[ticket]", "default: the incident whose branch is checked out")
  .option("--verify", "check the hash chain: detects edited, deleted or reordered events")
  .action(act("log"));

program.command("list").description("incidents in progress").option("--all", "include resolved and abandoned ones").action(act("list"));

program
  .command("confirm")
  .description("tick a manual checklist item on the record")
  .argument("<item>", "reproduced | fixed | happy-path | edge-cases | no-regressions | oncall-notified | monitoring | staging-verified")
  .option("--note <text>", "what was seen")
  .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
  .action(act("confirm"));

const collect = (value: string, list: string[] = []) => [...list, value];

program
  .command("check")
  .description("guard the change (minimal, with a regression test), then run test, typecheck and build")
  .option("--allow <rule>", "let a blocking guard rule through; needs a --reason right after it (repeatable)", collect)
  .option("--skip <check>", "skip a check (test, typecheck, build); needs a --reason right after it (repeatable)", collect)
  .option("--reason <text>", "why the --allow or --skip before it is needed; recorded and shown in the PR", collect)
  .option("--only <checks>", "run only these checks, e.g. test")
  .option("--checks-only", "skip the guard and run only the checks")
  .option("--guard-only", "run and record the guard only; no check runs (for CI)")
  .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
  .option("--reopen", "go on with an incident that was already shipped (recorded on the timeline)")
  .action(act("check"));

program
  .command("commit")
  .description("commit the staged fix: fix: <brief>, what was broken, the root cause, Ticket and Priority trailers")
  .option("--root-cause <text>", "why it broke; stored on the record for the PR, messages and review")
  .option("--what <text>", "what was broken, as users saw it")
  .option("--brief <text>", "the subject after 'fix: ' (default: the incident title)")
  .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
  .option("--reopen", "go on with an incident that was already shipped (recorded on the timeline)")
  .action(act("commit"));

program
  .command("pr")
  .description("push the branch and open (or bring up to date) the pull request, with labels and a body written from the record")
  .option("--draft", "open it as a draft")
  .option("--reviewer <login>", "request a review (repeatable, or comma-separated)", collect)
  .option("--dry-run", "print the title, labels and body; push and open nothing")
  .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
  .option("--reopen", "go on with an incident that was already shipped (recorded on the timeline)")
  .action(act("pr"));

program
  .command("approve")
  .description("record a review approval (offline git forge)")
  .option("--by <name>", "who approved it")
  .option("--note <text>", "what they said")
  .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
  .action(act("approve"));

program
  .command("config")
  .description("about .firebreak.yml")
  .command("check")
  .description("validate .firebreak.yml (every problem with file:line), show what each step will use and which secrets are missing")
  .action(act("config-check"));

program
  .command("demo")
  .description("a whole P0 on a real sandbox (service, origin, traffic), through the real commands; nothing leaves this machine")
  .option("--scenario <name>", "fix (the fix is verified) or regression (a bad fix is rolled back automatically)", "fix")
  .option("--keep", "keep the sandbox folder to look around in afterwards")
  .action(act("demo"));

// The later areas declare their commands in declare/<area>.ts, in the same lazy-import style.
declareShip(program);
declareVerify(program);
declareAnnounce(program);
declareBackport(program);
declareReview(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
