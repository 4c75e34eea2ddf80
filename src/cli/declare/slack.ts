// Declares the Slack app's operator command: slack link-code. It works directly on the server's
// database (FIREBREAK_DATABASE_URL, or the --data SQLite file), like the token commands.

import type { Command } from "commander";
import { lazy } from "./lazy.js";

export function declareSlack(program: Command): void {
  const slack = program.command("slack").description("the Slack app on the team server (docs/slack.md)");
  slack
    .command("link-code")
    .description("print a one-time code (15 minutes) that links a Slack user to a person's token: /firebreak link CODE")
    .requiredOption("--name <name>", "the person: the name of their active person token")
    .option("--data <file>", "the server's SQLite file when FIREBREAK_DATABASE_URL is not set", "firebreak-server.db")
    .option("--team <name>", "the person's team (default: default)")
    .action(lazy(() => import("../commands/slack-link-code.js")));
}
