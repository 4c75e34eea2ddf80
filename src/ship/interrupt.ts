// Ctrl-C (SIGINT), SIGTERM or SIGHUP while ship or rollback changes the world. A deploy command runs in a
// process group of its own, so the signal would not reach it and it would go on deploying while
// Firebreak died with its lock held. Instead the signal is passed on to the running command;
// Firebreak waits for it (bounded), records the step as possibly done, releases its locks and
// worktrees through the normal error path, and exits 130 (INT), 143 (TERM) or 129 (HUP) with the
// command to run next. A second signal stops the command at once (SIGKILL) and exits.

import { exitForSignal, watchSignals, type SignalGuard } from "../app/signals.js";
import { FirebreakError } from "../errors.js";

export type { SignalGuard };

/** The signals (INT, TERM, HUP) while ship or rollback changes the world: app/signals.ts, with ship's words. */
export function guardSignals(say: (line: string) => void, graceMs = 10_000): SignalGuard {
  return watchSignals(say, graceMs);
}

/**
 * The error shown after an interrupted run. `cause` is what unwound the run: a possibly-done
 * effect (the command was stopped part-way) or anything else (stopped between steps).
 */
export function interruptedError(
  sig: NodeJS.Signals,
  cause: unknown,
  o: { what: string; command: string; ambiguousNext: string },
): FirebreakError {
  const partway = cause instanceof FirebreakError && cause.code === "EFFECT_POSSIBLY_DONE";
  return new FirebreakError({
    code: "INTERRUPTED",
    message: partway
      ? `Stopped by ${sig} during ${o.what}: it may have partly happened. The locks are released.`
      : `Stopped by ${sig}; the locks are released.`,
    why: partway
      ? "It is recorded as possibly done, so it is never repeated without asking the platform or you first."
      : `Nothing was left half-done: ${cause instanceof Error ? cause.message : String(cause)}.`,
    next: partway ? o.ambiguousNext : `${o.command}   # what was done is not repeated`,
    exit: exitForSignal(sig),
  });
}
