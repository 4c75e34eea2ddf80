// Declares the tools around the workflow (config check, demo) on the program.
// Each action imports its command's code only when it runs (a static import() per command, so the
// bundler gives each its own chunk).

import type { Command } from "commander";
import { lazy } from "./lazy.js";

export function declareTools(program: Command): void {
  program
    .command("config")
    .description("about .firebreak.yml")
    .command("check")
    .description("validate .firebreak.yml (every problem with file:line), show what each step will use and which secrets are missing")
    .action(lazy(() => import("../commands/config-check.js")));

  program
    .command("demo")
    .description("a whole P0 on a real sandbox (service, origin, traffic), through the real commands; nothing leaves this machine")
    .option("--scenario <name>", "fix (the fix is verified) or regression (a bad fix is rolled back automatically)", "fix")
    .option("--keep", "keep the sandbox folder to look around in afterwards")
    .option("--verbose", "the single commands one by one, instead of start, the edit and firebreak go")
    .option("--team", "also serve the dashboard on the demo's record and print its URL, to watch the P0 live")
    .action(lazy(() => import("../commands/demo.js")));
}
