// Declares the announce area's commands (announce) on the program. Each action imports its command's
// code only when it runs (a static import() per command, so the bundler gives each its own chunk):
//   program.command("x")….action(lazy(() => import("../commands/x.js")));

import type { Command } from "commander";
import { lazy } from "./lazy.js";

export function declareAnnounce(program: Command): void {
  void program;
  void lazy;
}
