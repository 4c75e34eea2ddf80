// Runs a deployer's program (an argument array) or the team's command (a shell string from
// .firebreak.yml, announced before it runs), streaming every line to the terminal and the log
// file, redacted. A failure carries the last lines of output so people see why. These commands
// change the world, so they are interruptible: Ctrl-C is passed on to them (adapters/process.ts).

import { appendFileSync, rmSync } from "node:fs";
import { run, runShell, type RunResult } from "../process.js";
import { redact } from "../../redact.js";
import { FirebreakError } from "../../errors.js";
import { AmbiguousOutcome } from "../../ports/outcome.js";
import type { DeployIO } from "../../ports/deployer.js";

export interface LoggedRun {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  /** Output lines are not shown (a status probe); they still go to the log. */
  quiet?: boolean;
}

function lineSplitter(io: DeployIO, quiet: boolean): { push(chunk: string): void; flush(): void } {
  let rest = "";
  const emit = (l: string) => {
    const text = redact(l);
    appendFileSync(io.logFile, text + "\n", { mode: 0o600 });
    if (!quiet) io.line(text);
  };
  return {
    push(chunk) {
      const parts = (rest + chunk).split(/\r?\n/);
      rest = parts.pop() ?? "";
      for (const p of parts) emit(p);
    },
    flush() {
      if (rest !== "") emit(rest);
      rest = "";
    },
  };
}

async function logged(kind: "argv" | "shell", program: string, args: readonly string[], io: DeployIO, o: LoggedRun): Promise<RunResult> {
  const shown = kind === "shell" ? program : [program, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
  if (!o.quiet) io.announce(redact(`$ ${shown}`));
  appendFileSync(io.logFile, redact(`$ ${shown}\n`), { mode: 0o600 });
  const split = lineSplitter(io, Boolean(o.quiet));
  // A status probe is read through a pipe; a deploy writes to the spool (see DeployIO.spool).
  const spooled = io.spool && !o.quiet ? { spool: io.spool, onSpawn: (pid: number) => io.started?.(pid) } : {};
  const opts = {
    cwd: o.cwd,
    env: o.env,
    input: o.input,
    timeoutMs: o.timeoutMs,
    onOutput: (c: string) => split.push(c),
    interruptible: true,
    ...spooled,
  };
  let r: RunResult;
  try {
    r = kind === "shell" ? await runShell(program, opts) : await run(program, args, opts);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new FirebreakError({
        code: "DEPLOYER_MISSING",
        message: `${program} is not installed or not on PATH.`,
        next: `install the ${program} CLI, then run the same firebreak command again`,
      });
    throw e;
  } finally {
    // Everything in it has been relayed (redacted) to the log: the raw copy goes.
    if (io.spool && !o.quiet) rmSync(io.spool, { force: true });
  }
  split.flush();
  return r;
}

export const runArgv = (program: string, args: readonly string[], io: DeployIO, o: LoggedRun) => logged("argv", program, args, io, o);
export const runTeamCommand = (command: string, io: DeployIO, o: LoggedRun) => logged("shell", command, [], io, o);

/** A failed run as an error people can act on: the exit, the log file and the last lines. */
export function deployFailed(what: string, r: RunResult, io: DeployIO): FirebreakError {
  const tail = (r.stdout + "\n" + r.stderr)
    .split("\n")
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(-8)
    .map(redact);
  return new FirebreakError({
    code: "DEPLOY_FAILED",
    message: `${what} ${r.timedOut ? "timed out" : `failed (exit ${r.code ?? r.signal})`}.`,
    why: `The full log is in ${io.logFile}.`,
    details: tail,
  });
}

/**
 * A run that exited non-zero failed cleanly: a re-run may try again. One that was stopped from
 * outside (a timeout, a signal, Ctrl-C) may have done part or all of its work, so it is
 * "possibly done": the next run asks the platform, or the person, before doing it again.
 */
export function assertOk(what: string, r: RunResult, io: DeployIO): void {
  const stopped = r.timedOut
    ? "timed out"
    : r.interrupted
      ? `was stopped (${r.interrupted})`
      : r.signal
        ? `was killed (${r.signal})`
        : null;
  if (stopped) {
    io.announce(`${what} ${stopped} part-way: it may have partly happened. The log is in ${io.logFile}.`);
    throw new AmbiguousOutcome(`${what} ${stopped} after ${Math.round(r.durationMs / 1000)} s; log: ${io.logFile}`);
  }
  if (r.code !== 0) throw deployFailed(what, r, io);
}
