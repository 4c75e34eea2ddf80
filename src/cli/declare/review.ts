// Declares the review area's commands (review, action, followups, incidents) on the program. Each action imports its command's
// code only when it runs (a static import() per command, so the bundler gives each its own chunk).

import type { Command } from "commander";
import { lazy } from "./lazy.js";

export function declareReview(program: Command): void {
  program
    .command("review")
    .description("write the post-incident review from the record (Markdown with charts, HTML), schedule it, mark it done")
    .argument("[ticket]", "default: the incident whose branch is checked out")
    .option(
      "--write [path]",
      "write it (default: <review.dir>/<TICKET>.md, docs/incidents unless configured); re-runs keep the text people added",
    )
    .option("--html", "also write an HTML page with the charts embedded (printed instead without --write)")
    .option("--done", "mark the review done (P0/P1: due within 72 h of the fix being verified)")
    .option(
      "--schedule <when>",
      "record the review meeting and write an .ics invitation: 2026-11-29T15:00Z, '2026-11-29 15:00' (team zone)",
    )
    .option("--attendees <emails>", "with --schedule: comma-separated e-mail addresses to invite")
    .option("--impact-users <n>", "how many users were affected (stored)")
    .option("--impact-revenue <text>", "the revenue impact, e.g. '$12k in failed checkouts' (stored)")
    .option("--support-tickets <n>", "how many support tickets came in (stored)")
    .option("--mentions <n>", "social or press mentions (stored)")
    .option("--experience <text>", "what users experienced (stored)")
    .action(lazy(() => import("../commands/review.js")));

  const action = program.command("action").description("action items for the post-incident review (each gets a follow-up ticket)");
  action
    .command("add")
    .description("add an action item with an owner and a due date")
    .argument("<text>", "what will be done")
    .option("--owner <name>", "who owns it")
    .option("--due <date>", "when it is due: YYYY-MM-DD")
    .option("--kind <kind>", "what it prevents through: test, monitoring, process or docs (listed under Prevention)")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .action(lazy(() => import("../commands/action.js")));
  action
    .command("list")
    .description("the incident's action items and their follow-up tickets")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .action(lazy(() => import("../commands/action.js").then((m) => ({ run: m.list }))));

  program
    .command("followups")
    .description("open one tracker issue per action item (GitHub, Linear, or a file offline) and post the resolution on the ticket")
    .argument("[ticket]", "default: the incident whose branch is checked out")
    .option("--no-comment", "do not post the resolution on the incident's ticket")
    .option(
      "--resend <items>",
      "after an interrupted run that could not be checked: the action ids (A1,A2) and/or comment that you found missing; only those are sent again",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .action(lazy(() => import("../commands/followups.js")));

  program
    .command("incidents")
    .description("the incident log: level, discovered, deployed, verified, deadline met or missed, rollbacks, backports, review")
    .option("--since <date>", "only incidents discovered since then: 2026-01-01 or an ISO time")
    .option("--csv", "print CSV (spreadsheet-safe) instead of the table")
    .action(lazy(() => import("../commands/incidents.js")));
}
