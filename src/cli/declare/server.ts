// Declares the team server's commands: serve, token create|list|revoke, audit. The token and audit
// commands work directly on the server's database (FIREBREAK_DATABASE_URL, or the --data SQLite
// file), so an operator with access to the database manages tokens without a token of their own.

import type { Command } from "commander";
import { lazy } from "./lazy.js";

const DATA = ["--data <file>", "the server's SQLite file when FIREBREAK_DATABASE_URL is not set", "firebreak-server.db"] as const;
const TEAM = ["--team <name>", "the team whose tokens or audit log this is (default: default)"] as const;

export function declareServer(program: Command): void {
  program
    .command("serve")
    .description("run the team server: the shared record over HTTP, with tokens, roles and private incidents (docs/server.md)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port)", "8080")
    .option(...DATA)
    .option("--init-admin", "create the first admin token, print it once and exit (refused when a token exists)")
    .option("--team <name>", "with --init-admin: add this team to the server (its first admin token; lowercase letters, digits, dashes)")
    .option("--rate-limit <n>", "requests per token per minute", "1200")
    .action(lazy(() => import("../commands/serve.js")));

  const token = program.command("token").description("the team server's API tokens (kept only as hashes)");
  token
    .command("create")
    .description("create a token and print it once")
    .requiredOption("--name <name>", "who or what uses it (recorded as the actor of its writes)")
    .requiredOption("--role <role>", "viewer, responder, approver, commander or admin")
    .option("--kind <kind>", "person, agent or service (only a person approves or waives)", "person")
    .option("--expires <iso>", "when it stops working (ISO date)")
    .option("--incident <id>", "the only incident it may see and work")
    .option(...DATA)
    .option(...TEAM)
    .action(lazy(() => import("../commands/token-create.js")));
  token
    .command("list")
    .description("list tokens: name, role, kind, expiry, last use (never a secret)")
    .option(...DATA)
    .option(...TEAM)
    .action(lazy(() => import("../commands/token-list.js")));
  token
    .command("revoke")
    .description("revoke a token: every request with it is refused from now on")
    .argument("<id>", "the token's id (tok_…, from firebreak token list)")
    .option(...DATA)
    .option(...TEAM)
    .action(lazy(() => import("../commands/token-revoke.js")));

  program
    .command("audit")
    .description("the team server's audit log: token changes, members, approvals, waivers, refusals")
    .option("--verify", "check the hash chain; exit 8 when an entry was edited, deleted or moved")
    .option(...DATA)
    .option(...TEAM)
    .action(lazy(() => import("../commands/audit.js")));
}
