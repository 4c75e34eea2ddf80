// Runs one command: builds the output and the app from the global flags, calls the command's code,
// and turns an error into its message, its next step and its exit code.

import type { Command } from "commander";
import { resolve } from "node:path";
import { Output } from "./output.js";
import { App } from "../app/app.js";
import { registerEnvSecrets } from "../redact.js";
import { PromptInterrupted } from "./prompts.js";

export interface GlobalFlags {
  json?: boolean;
  debug?: boolean;
  db?: string;
  dir?: string;
}

export interface CommandInput {
  app: App;
  out: Output;
  args: string[];
  opts: Record<string, unknown>;
}

export interface CommandModule {
  run(input: CommandInput): Promise<number | void>;
}

export async function runCommand(load: () => Promise<CommandModule>, actionArgs: unknown[]): Promise<void> {
  const cmd = actionArgs[actionArgs.length - 1] as Command;
  const opts = cmd.optsWithGlobals() as GlobalFlags & Record<string, unknown>;
  const args = actionArgs.slice(0, -2).filter((a): a is string => typeof a === "string");
  registerEnvSecrets();
  const out = new Output({ json: Boolean(opts.json), debug: Boolean(opts.debug) });
  const app = new App({ cwd: opts.dir ? resolve(opts.dir) : process.cwd(), db: opts.db });
  try {
    const mod = await load();
    const code = await mod.run({ app, out, args, opts });
    process.exitCode = code ?? 0;
  } catch (e) {
    if (e instanceof PromptInterrupted) {
      // Ctrl-C at a question ends the command like Ctrl-C anywhere in a shell: quietly, 130.
      process.stderr.write("\n");
      process.exitCode = 130;
      return;
    }
    process.exitCode = out.error(e);
  } finally {
    await app.close().catch(() => undefined);
  }
}
