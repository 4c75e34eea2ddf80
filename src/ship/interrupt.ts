// Ctrl-C (SIGINT), SIGTERM or SIGHUP (a dropped SSH session) while ship or rollback changes the
// world. A deploy command runs in a process group of its own, so the signal would not reach it and
// it would go on deploying while Firebreak died with its lock held. Instead the signal is passed on to the running command;
// Firebreak waits for it (bounded), records the step as possibly done, releases its locks and
// worktrees through the normal error path, and exits 130 with the command to run next.
// A second signal stops the command at once (SIGKILL) and exits.

import { interruptChildren, stoppedBy } from "../adapters/process.js";
import { FirebreakError } from "../errors.js";

export const EXIT_INTERRUPTED = 130;

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export interface SignalGuard {
  /** The signal received, or null. */
  readonly signal: NodeJS.Signals | null;
  /** Stops listening (Ctrl-C then behaves as usual again). */
  dispose(): void;
}

export function guardSignals(say: (line: string) => void, graceMs = 10_000): SignalGuard {
  let got: NodeJS.Signals | null = null;
  let safety: NodeJS.Timeout | undefined;
  const handler = (sig: NodeJS.Signals) => {
    if (got) {
      say(`${sig} again: stopping the running command now (SIGKILL).`);
      void interruptChildren("SIGKILL", 0).finally(() => process.exit(EXIT_INTERRUPTED));
      return;
    }
    got = sig;
    // After a hangup the terminal is gone: writing to it fails (EIO, EPIPE), which must not end
    // the run before it has recorded what happened and released its locks.
    if (sig === "SIGHUP") for (const s of [process.stdout, process.stderr]) s.on("error", () => undefined);
    say(`${sig}: stopping. The running command is told to stop (it has ${Math.round(graceMs / 1000)} s); nothing new starts, and what may have happened is recorded.`);
    void interruptChildren(sig, graceMs);
    // If unwinding hangs for any reason, do not keep the person waiting forever.
    safety = setTimeout(() => process.exit(EXIT_INTERRUPTED), graceMs + 30_000).unref();
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    get signal() {
      return got ?? stoppedBy();
    },
    dispose() {
      if (safety) clearTimeout(safety);
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}

/**
 * The error shown after an interrupted run. `cause` is what unwound the run: a possibly-done
 * effect (the command was stopped part-way) or anything else (stopped between steps).
 */
export function interruptedError(sig: NodeJS.Signals, cause: unknown, o: { what: string; command: string; ambiguousNext: string }): FirebreakError {
  const partway = cause instanceof FirebreakError && cause.code === "EFFECT_POSSIBLY_DONE";
  return new FirebreakError({
    code: "INTERRUPTED",
    message: partway ? `Stopped by ${sig} during ${o.what}: it may have partly happened. The locks are released.` : `Stopped by ${sig}; the locks are released.`,
    why: partway
      ? "It is recorded as possibly done, so it is never repeated without asking the platform or you first."
      : `Nothing was left half-done: ${cause instanceof Error ? cause.message : String(cause)}.`,
    next: partway ? o.ambiguousNext : `${o.command}   # what was done is not repeated`,
    exit: EXIT_INTERRUPTED as FirebreakError["exit"],
  });
}
