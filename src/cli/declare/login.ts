// Declares login, logout and whoami: where this clone's record lives (its own .git folder, or a
// team server) and who the server takes it for.

import type { Command } from "commander";
import { lazy } from "./lazy.js";

export function declareLogin(program: Command): void {
  program
    .command("login")
    .description("keep this clone's record on a team server: checks the token and saves it for you alone (docs/server.md)")
    .argument("<url>", "the server, e.g. https://firebreak.example.com")
    .option("--with-token", "read the token from stdin (e.g. firebreak login URL --with-token < token-file)")
    .action(lazy(() => import("../commands/login.js")));
  program
    .command("logout")
    .description("use this clone's own record again and forget the server's token")
    .action(lazy(() => import("../commands/logout.js")));
  program
    .command("whoami")
    .description("where this clone's record lives, and who writes are recorded as")
    .action(lazy(() => import("../commands/whoami.js")));
}
