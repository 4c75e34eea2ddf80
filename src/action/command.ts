// The Action's entry, run as the bundled CLI's hidden `ci-action` command (action.yml →
// dist/action.cjs, written by scripts/build.mjs): reads the Actions environment and runs the mode
// asked for. Everything it decides comes from the operations; this file only reads the runner's
// inputs and writes its outputs.

import type { App } from "../app/app.js";
import { readActionsEnv } from "./environment.js";
import type { ActionLog } from "./log.js";

export async function run({ app, out }: { app: App; out: ActionLog }): Promise<number> {
  const env = readActionsEnv(process.env);
  if (env.mode === "check") return (await import("./check-mode.js")).runCheckMode(app, env, out);
  if (env.mode === "gate") return (await import("./gate-mode.js")).runGateMode(app, env, out);
  return (await import("./backport-mode.js")).runBackportMode(app, env, out);
}
