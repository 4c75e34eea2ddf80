// The firebreak command line (commander). This file only declares commands and flags; each command's code is
// imported when that command runs, so start-up stays near bare node whatever the CLI grows to.

import { Command } from "commander";
import { declareFix } from "./declare/fix.js";
import { declareIncident } from "./declare/incident.js";
import { declareShip } from "./declare/ship.js";
import { declareTools } from "./declare/tools.js";
import { declareVerify } from "./declare/verify.js";
import { declareAnnounce } from "./declare/announce.js";
import { declareBackport } from "./declare/backport.js";
import { declareReview } from "./declare/review.js";
import { declareServer } from "./declare/server.js";
import { declareSlack } from "./declare/slack.js";
import { declareMcp } from "./declare/mcp.js";
import { declareGo } from "./declare/go.js";
import { declareLogin } from "./declare/login.js";

const version = "0.1.0";

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
  .option(
    "--offline",
    "on a team server that does not answer: take this command's steps on this clone's copy, uploaded when it answers; needs --reason",
  )
  .option("--reason <text>", "with --offline: why it cannot wait for the server (recorded on the timeline)")
  .showHelpAfterError("(run with --help for usage)")
  // Every subcommand's --help lists --json, --db, -C and --offline too: they work after any command.
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
            6 conflict · 7 config invalid · 8 record tampered · 9 git or service failed
            129 hung up · 130 interrupted (Ctrl-C) · 143 terminated   (every code: docs/errors.md)`,
  );

// Every area declares its commands in declare/<area>.ts, in one lazy-import style.
declareIncident(program);
declareFix(program);
declareTools(program);
declareShip(program);
declareVerify(program);
declareAnnounce(program);
declareBackport(program);
declareReview(program);
declareServer(program);
declareSlack(program);
declareMcp(program);
declareGo(program);
declareLogin(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
