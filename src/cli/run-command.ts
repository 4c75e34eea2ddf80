// Runs one command: builds the output and the app from the global flags, calls the command's code,
// and turns an error into its message, its next step and its exit code.

import type { Command } from "commander";
import { resolve } from "node:path";
import { Output } from "./output.js";
import { App } from "../app/app.js";
import { registerEnvSecrets } from "../redact.js";
import { exitForSignal, watchSignals } from "../app/signals.js";
import { E, FirebreakError } from "../errors.js";
import { shq } from "./format.js";
import { PromptInterrupted } from "./prompts.js";

export interface GlobalFlags {
  json?: boolean;
  debug?: boolean;
  db?: string;
  dir?: string;
  offline?: boolean;
  reason?: string;
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
  let offline: { reason: string; command: string } | undefined;
  try {
    offline = offlineFlags(opts, cmd);
  } catch (e) {
    process.exitCode = out.error(e);
    return;
  }
  const app = new App({
    cwd: opts.dir ? resolve(opts.dir) : process.cwd(),
    db: opts.db,
    warn: (l) => out.warn(l),
    ...(offline ? { offline } : {}),
  });
  // Every command stops the same way on SIGINT, SIGTERM and SIGHUP (app/signals.ts).
  const signals = watchSignals((l) => out.warn(l));
  try {
    const mod = await load();
    const code = await mod.run({ app, out, args, opts });
    // A run that still finished its job (Ctrl-C ending verify's optional watch after "verified")
    // exits 0; any other outcome after a signal exits with the signal's code.
    process.exitCode = signals.signal && (code ?? 0) !== 0 ? exitForSignal(signals.signal) : (code ?? 0);
  } catch (e) {
    if (e instanceof PromptInterrupted) {
      // Ctrl-C at a question ends the command like Ctrl-C anywhere in a shell: quietly, 130.
      process.stderr.write("\n");
      process.exitCode = 130;
      return;
    }
    process.exitCode = out.error(signals.signal ? interrupted(signals.signal, e) : whichIncident(readOnlyRecord(e), cmd));
  } finally {
    if (signals.signal) await recordInterruption(app, signals.signal).catch(() => undefined);
    signals.dispose();
    await app.close().catch(() => undefined);
  }
}

/**
 * --offline and its --reason (or, in the steps `go` runs, FIREBREAK_OFFLINE_REASON). --reason is
 * also rollback's, waive's and check's own flag; on any other command it only goes with --offline.
 */
function offlineFlags(opts: GlobalFlags, cmd: Command): { reason: string; command: string } | undefined {
  const own = cmd.options.some((o) => o.long === "--reason");
  const reason = (typeof opts.reason === "string" ? opts.reason : (process.env.FIREBREAK_OFFLINE_REASON ?? "")).trim();
  const command = `firebreak ${cmd.name()}`;
  if (opts.offline) {
    if (!reason)
      throw E.usage(
        "--offline needs a --reason: the timeline records why a step was taken without the team server.",
        `${command} --offline --reason "the team server is down and the P0 cannot wait"`,
      );
    // The commands go runs as its steps are told the same way.
    process.env.FIREBREAK_OFFLINE_REASON = reason;
    return { reason, command };
  }
  if (process.env.FIREBREAK_OFFLINE_REASON?.trim()) return { reason: process.env.FIREBREAK_OFFLINE_REASON.trim(), command };
  if (opts.reason !== undefined && !own)
    throw E.usage(`${command} has no --reason of its own: --reason goes with --offline.`, `${command} --offline --reason "…"`);
  return undefined;
}

/** A write to a record opened read-only (store/sqlite.ts) is refused in words, not as a crash. */
function readOnlyRecord(e: unknown): unknown {
  if ((e as { code?: string } | null)?.code !== "SQLITE_READONLY") return e;
  return new FirebreakError({
    code: "STORE_READ_ONLY",
    message: "The record cannot be written here: its file or folder is read-only for this user, so nothing was changed.",
    next: `run it where the record is writable, or as the user who owns it: ${typed()}`,
  });
}

/**
 * Several incidents and no way to tell which: the way on is the same command with --ticket, where
 * the command has one (the core's own next names `status`, the one form every face has).
 */
function whichIncident(e: unknown, cmd: Command): unknown {
  if (!(e instanceof FirebreakError) || e.code !== "WHICH_INCIDENT") return e;
  if (!cmd.options.some((o) => o.long === "--ticket")) return e;
  const first = e.details?.[0]?.split(" ")[0];
  if (!first) return e;
  return new FirebreakError({
    code: e.code,
    message: e.message,
    why: e.why,
    next: `name one: ${typed()} --ticket ${shq(first)}   # or another ticket below`,
    details: e.details,
  });
}

/** The command line as typed, to run again. */
const typed = (): string => ["firebreak", ...process.argv.slice(2).map(shq)].join(" ");

/** What unwound a run that was told to stop, said as an interruption with its exit code. */
function interrupted(sig: NodeJS.Signals, e: unknown): FirebreakError {
  const exit = exitForSignal(sig);
  if (e instanceof FirebreakError) {
    if (e.code === "INTERRUPTED") return e; // ship and rollback say it in their own words
    return new FirebreakError({
      code: "INTERRUPTED",
      message: `Stopped by ${sig}: ${e.message}`,
      why: e.why,
      next: e.next ?? typed(),
      exit,
      details: e.details,
    });
  }
  return new FirebreakError({
    code: "INTERRUPTED",
    message: `Stopped by ${sig}: the running commands were stopped and nothing new was started.`,
    why: `What was interrupted is on the timeline; a step already recorded as done is not repeated (${e instanceof Error ? e.message : String(e)}).`,
    next: typed(),
    exit,
  });
}

/** Puts the interruption on the timeline of the incident the command was working on. */
async function recordInterruption(app: App, sig: NodeJS.Signals): Promise<void> {
  const incident = app.incidentInView;
  if (!incident) return;
  const store = await app.store();
  const command = typed();
  await store.appendEvent(incident.id, {
    at: app.clock.now().toISOString(),
    actor: await app.actor(),
    kind: "command.interrupted",
    data: { command, signal: sig, summary: `${command} stopped by ${sig}` },
  });
}
