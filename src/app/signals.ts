// SIGINT (Ctrl-C), SIGTERM (a supervisor, `kill`) and SIGHUP (a dropped SSH session) get one
// treatment in every command. Without a handler Node dies at once: the team's own commands (a test
// suite, a deploy) run in process groups of their own, so they would go on running, nothing would
// be recorded and any lock would stay held.
//
// With it, the first signal:
//   - is passed on to every running team command (its whole group), which gets a grace period and
//     then SIGKILL (adapters/process.ts);
//   - aborts stopSignal(), which check's runner, verify's watch and other waits listen to;
//   - makes every journaled effect and interruptible command refuse to start (nothing new begins).
// The command then unwinds through its normal path: it records what was interrupted, releases its
// locks and worktrees, and run-command.ts exits 130 / 143 / 129 with the command to run next.
// A second signal kills the running commands at once and exits. If unwinding hangs, a safety
// timer exits after the grace period plus 30 s.

import { interruptChildren, stoppedBy } from "../adapters/process.js";
import { EXIT, type ExitCode, type SignalExit } from "../errors.js";

/** The signals handled, and the exit code each one ends a run with (128 + the signal's number). */
export const SIGNAL_EXIT = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated, SIGHUP: EXIT.hungUp } as const satisfies Record<
  string,
  ExitCode
>;
type Handled = keyof typeof SIGNAL_EXIT;
const HANDLED = Object.keys(SIGNAL_EXIT) as Handled[];

export const exitForSignal = (sig: NodeJS.Signals): SignalExit => SIGNAL_EXIT[sig as Handled] ?? EXIT.interrupted;

export interface SignalGuard {
  /** The signal received, or null. */
  readonly signal: NodeJS.Signals | null;
  /** Ends this scope; the handlers go when the last scope ends. */
  dispose(): void;
}

interface Scope {
  say: (line: string) => void;
  graceMs: number;
}

// Scopes nest: run-command.ts opens one for every command, ship and rollback open an inner one
// with their own wording. The innermost scope speaks; there is only ever one handler per signal.
const scopes: Scope[] = [];
let got: NodeJS.Signals | null = null;
let hungUp = false;

/** True after SIGHUP: the terminal is gone, so failed writes to it are expected, not errors. */
export const terminalGone = (): boolean => hungUp;

function handler(sig: NodeJS.Signals): void {
  const scope = scopes[scopes.length - 1];
  const say = (line: string) => {
    try {
      scope?.say(line);
    } catch {
      /* the terminal may be gone (SIGHUP) */
    }
  };
  if (sig === "SIGHUP") hungUp = true;
  if (got) {
    say(`${sig} again: stopping the running commands now (SIGKILL).`);
    void interruptChildren("SIGKILL", 0).finally(() => process.exit(exitForSignal(got!)));
    return;
  }
  got = sig;
  const graceMs = scope?.graceMs ?? 10_000;
  say(
    `${sig}: stopping. Running commands are told to stop (they have ${Math.round(graceMs / 1000)} s); nothing new starts, and what was interrupted is recorded.`,
  );
  void interruptChildren(sig, graceMs);
  // If unwinding hangs for any reason, do not keep anyone waiting forever.
  setTimeout(() => process.exit(exitForSignal(sig)), graceMs + 30_000).unref();
}

/** Handles SIGINT, SIGTERM and SIGHUP until dispose(). */
export function watchSignals(say: (line: string) => void, graceMs = 10_000): SignalGuard {
  const scope: Scope = { say, graceMs };
  if (scopes.length === 0) for (const s of HANDLED) process.on(s, handler);
  scopes.push(scope);
  let disposed = false;
  return {
    get signal() {
      return got ?? stoppedBy();
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      scopes.splice(scopes.lastIndexOf(scope), 1);
      if (scopes.length === 0) for (const s of HANDLED) process.off(s, handler);
    },
  };
}
