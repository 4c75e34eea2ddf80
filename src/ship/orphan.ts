// A deploy that outlived the Firebreak run that started it (kill -9, a power cut of the laptop's
// terminal, a crash). A deploy command runs in a process group of its own and writes its output
// to a spool file, not to a pipe, so it goes on to the end when Firebreak dies: cutting a
// production deploy half-way would leave the platform in a state nobody chose. The next run finds
// its process group on the record (lease and journal), waits for it to end while showing its new
// output, and only then asks the deployer whether the version is live: it never starts a second
// deploy next to a running one.

import { existsSync, readFileSync, appendFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import type { DeployMark } from "../ports.js";
import { redact } from "../redact.js";
import { throwIfInterrupted } from "../stop.js";

/** Whether any process of group `pgid` still runs on this host. */
export function groupAlive(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A deploy recorded on this host whose process group is still running. */
export const runningHere = (mark: DeployMark | null | undefined): mark is DeployMark =>
  Boolean(mark && mark.host === hostname() && groupAlive(mark.pgid));

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, "utf8").split(/\r?\n/) : []);

/**
 * Lines of the spool not yet in the redacted log: the log holds a `$ command` line and then the
 * lines relayed so far, so its count after the last command line says where relaying stopped.
 */
function relayedSoFar(log: string): number {
  const l = lines(log).filter((x, i, all) => !(i === all.length - 1 && x === ""));
  let last = -1;
  l.forEach((x, i) => {
    if (x.startsWith("$ ")) last = i;
  });
  return last < 0 ? 0 : l.length - last - 1;
}

export interface WaitOptions {
  say(line: string): void;
  /** How long to wait at most. */
  boundMs: number;
  pollMs?: number;
}

/**
 * Waits (bounded) for a deploy left running by an earlier run, relaying its new output (redacted)
 * to the terminal and its log. Returns "ended" once its process group is gone (the spool is then
 * removed), or "running" when the bound passed first.
 */
export async function waitForDeploy(mark: DeployMark, o: WaitOptions): Promise<"ended" | "running"> {
  let shown = relayedSoFar(mark.log);
  const relay = (final: boolean) => {
    const all = lines(mark.spool);
    // The last piece is a line still being written, unless the deploy has ended.
    const complete = final ? all.filter((x, i) => !(i === all.length - 1 && x === "")) : all.slice(0, -1);
    for (const l of complete.slice(shown)) {
      const text = redact(l);
      appendFileSync(mark.log, text + "\n");
      o.say(`  │ ${text}`);
    }
    shown = Math.max(shown, complete.length);
  };
  const wasRunning = groupAlive(mark.pgid);
  if (wasRunning)
    o.say(
      `The deploy started by an earlier run (process group ${mark.pgid} on ${mark.host}, since ${mark.startedAt}) is still running: waiting for it to end (at most ${Math.round(o.boundMs / 1000)} s). Its log: ${mark.log}`,
    );
  const deadline = Date.now() + o.boundMs;
  while (groupAlive(mark.pgid)) {
    relay(false);
    if (Date.now() > deadline) return "running";
    // Ctrl-C while waiting stops the waiting, never the deploy: it was not started by this run.
    throwIfInterrupted();
    await new Promise((r) => setTimeout(r, o.pollMs ?? 200));
  }
  relay(true);
  rmSync(mark.spool, { force: true });
  if (wasRunning) o.say(`The earlier deploy (process group ${mark.pgid}) has ended.`);
  return "ended";
}
