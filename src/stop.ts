// Whether Firebreak has been told to stop (SIGINT, SIGTERM, SIGHUP: app/signals.ts). Operations ask
// it between steps that change the world and long waits listen to its signal; adapters/process.ts
// sets it when it passes the signal on to the children it runs. A shared leaf, so every layer may
// import it without importing the process adapter.

/** Thrown instead of starting an interruptible command once Firebreak has been told to stop. */
export class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`Firebreak was stopped (${signal}) before this command started`);
    this.name = "Interrupted";
  }
}

let stopping: NodeJS.Signals | null = null;
const stop = new AbortController();

/** The signal Firebreak was stopped with, or null. */
export const stoppedBy = (): NodeJS.Signals | null => stopping;

/** Aborted when Firebreak is told to stop (app/signals.ts): long waits and loops listen to it. */
export const stopSignal = (): AbortSignal => stop.signal;

/** Throws Interrupted when Firebreak has been told to stop: called between steps that change the world. */
export function throwIfInterrupted(): void {
  if (stopping) throw new Interrupted(stopping);
}

/** Records the first signal Firebreak was told to stop with. */
export function markStopping(sig: NodeJS.Signals): void {
  stopping ??= sig;
}

/** Aborts stopSignal() (once), for the waits listening to it. */
export function abortStopSignal(sig: NodeJS.Signals): void {
  if (!stop.signal.aborted) stop.abort(sig);
}
