// Declares the agent interface (mcp) and a person's confirmation of an agent's plan (confirm-plan).
// Each action imports its command's code only when it runs.

import type { Command } from "commander";
import { lazy } from "./lazy.js";

export function declareMcp(program: Command): void {
  program
    .command("mcp")
    .description(
      "serve Firebreak to a coding agent over MCP on stdio: read-only unless --allow; a person confirms merges, deploys and rollbacks",
    )
    .option("--toolsets <names>", "toolsets to list: incident,fix,release,verify,comms,backport,review (default: incident,fix,release)")
    .option("--allow <names>", "toolsets whose write tools are listed (default: none, read-only)")
    .action(lazy(() => import("../commands/mcp.js")));

  program
    .command("confirm-plan")
    .description("confirm, as a person, a plan an agent made (a ship, a rollback): the agent may then apply it")
    .argument("<id>", "the plan's id, as the agent showed it (plan_…)")
    .action(lazy(() => import("../commands/confirm-plan.js")));
}
