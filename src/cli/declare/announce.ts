// Declares the announce area's commands (announce) on the program. Each action imports its command's
// code only when it runs (a static import() per command, so the bundler gives each its own chunk).

import type { Command } from "commander";
import { lazy } from "./lazy.js";

export function declareAnnounce(program: Command): void {
  program
    .command("announce")
    .description("tell people: Slack, Teams, status page, e-mail and webhooks, written from the record and sent once per stage")
    .option("--stage <stage>", "investigating | identified | monitoring | resolved (default: where the record says the incident is)")
    .option(
      "--channel <list>",
      "comma-separated: slack, teams, statuspage, statuspage-static, email, webhook (default: notify.channels, else every configured one)",
    )
    .option("--preview", "render every channel here (or to files with --out) and send nothing")
    .option("--out <dir>", "with --preview: write each channel's payload to files in <dir>")
    .option(
      "--resend <channel>",
      'send again on a channel whose message is "possibly sent", after checking it is not there (repeatable)',
      (v: string, list: string[] = []) => [...list, v],
    )
    .option("--public-title <text>", "what customers read as the incident's name (email, status pages); kept for later stages")
    .option("--public-summary <text>", "what customers read as what happened (default: the impact note)")
    .option("-t, --ticket <ticket>", "default: the incident whose branch is checked out")
    .addHelpText(
      "after",
      `
A re-run never posts twice: what was sent is replayed from the journal. A message whose delivery
could not be confirmed (a timeout after it left, an interrupted run) is shown as "possibly sent"
and only sent again with --resend <channel>. Exit 9 when any channel failed.`,
    )
    .action(lazy(() => import("../commands/announce.js")));
}
