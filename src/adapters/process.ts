// Runs a program with an argument array. Never a shell: nothing a user typed can become a command.
// The only shell strings Firebreak runs are the team's own commands from .firebreak.yml, and those
// go through runShell() below, which callers must show before running.

import type { ChildProcess } from "node:child_process";
import { closeSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { abortStopSignal, Interrupted, markStopping, stoppedBy } from "../stop.js";

// Whether Firebreak is stopping lives in stop.ts, below every layer, so operations can ask it too.
export { Interrupted, stoppedBy, stopSignal, throwIfInterrupted } from "../stop.js";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv; // merged over process.env
  input?: string | Buffer;
  timeoutMs?: number;
  /** Called with each chunk as it arrives (live logs); output is still collected. */
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
  signal?: AbortSignal;
  /**
   * A deploy-like command that changes the world: interruptChildren() forwards the signal to it,
   * and none starts once Firebreak is stopping. Shell commands (the team's own: checks, deploys)
   * are always treated so, in their whole process group.
   */
  interruptible?: boolean;
  /**
   * Output goes to this file (created 0600, appended to) instead of a pipe, and is read back from
   * it as it grows. A deploy writing there does not die of a broken pipe when Firebreak does, so
   * it ends on its own and the next run can show what it printed (ship/orphan.ts). The command
   * runs in a process group of its own.
   */
  spool?: string;
  /** Called right after the command started, with its pid (= its process group id when in its own). */
  onSpawn?: (pid: number) => void;
}

export interface RunResult {
  code: number | null; // null when killed by a signal
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
  /** Set when Firebreak forwarded a signal to it (Ctrl-C): it was stopped part-way. */
  interrupted?: NodeJS.Signals;
}

// Interruptible children that are running now. A shell command runs in its own process group
// (so a timeout can stop everything it started); that also means the terminal's Ctrl-C never
// reaches it, so Firebreak has to pass the signal on itself.
interface LiveChild {
  kill(sig: NodeJS.Signals): void;
  interruptedBy?: NodeJS.Signals;
  closed: Promise<void>;
}
const live = new Set<LiveChild>();

/**
 * Forwards `sig` to every interruptible or shell child (and from now on refuses to start one), then waits
 * for them to exit: at most `graceMs`, after which they are killed (SIGKILL).
 */
export async function interruptChildren(sig: NodeJS.Signals, graceMs = 10_000): Promise<void> {
  markStopping(sig);
  const children = [...live];
  for (const c of children) {
    c.interruptedBy ??= sig;
    c.kill(sig);
  }
  // After the signal itself went to the children, so they see the one that was sent.
  abortStopSignal(sig);
  if (children.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const gone = Promise.all(children.map((c) => c.closed)).then(() => true);
  const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)));
  const exited = await Promise.race([gone, late]);
  if (timer) clearTimeout(timer);
  if (!exited) {
    for (const c of children) c.kill("SIGKILL");
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3000).unref())]);
  }
}

export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return spawnAndCollect(file, args, false, opts);
}

/** A team-written command from config. The caller shows it to the user before it runs. */
export function runShell(command: string, opts: RunOptions = {}): Promise<RunResult> {
  return spawnAndCollect(command, [], true, opts);
}

/**
 * The environment of the project's own commands (checks, deploys, smoke tests): Firebreak's, less
 * the team server token, which is this person's key to the team's record and nothing a project's
 * script needs or should be able to read.
 */
function projectEnv(extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const { FIREBREAK_TOKEN: _token, ...rest } = process.env;
  return { ...rest, ...extra };
}

async function spawnAndCollect(file: string, args: readonly string[], shell: boolean, opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  // Loaded on first use: `firebreak status` usually needs no process, and this module costs start-up.
  const { spawn } = await import("node:child_process");
  const stopping = stoppedBy();
  if ((opts.interruptible || shell) && stopping) throw new Interrupted(stopping);
  // Every child leads a process group of its own (see detached below), so the group can be stopped whole.
  const spoolFd = opts.spool ? openSync(opts.spool, "a", 0o600) : undefined;
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args as string[], {
        cwd: opts.cwd,
        env: shell ? projectEnv(opts.env) : { ...process.env, ...opts.env },
        shell,
        stdio: spoolFd === undefined ? ["pipe", "pipe", "pipe"] : [opts.input === undefined ? "ignore" : "pipe", spoolFd, spoolFd],
        // Own process group, so a timeout or a signal stops the whole tree a command starts (a
        // shell's children, a push's hook); Firebreak passes signals on itself (interruptChildren).
        detached: true,
      });
    } finally {
      if (spoolFd !== undefined) closeSync(spoolFd);
    }
    if (child.pid) opts.onSpawn?.(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    // Reads what the command appended to its spool since the last look.
    let spoolAt = 0;
    const decoder = new StringDecoder("utf8");
    const drainSpool = () => {
      if (!opts.spool) return;
      let fd: number;
      try {
        fd = openSync(opts.spool, "r");
      } catch {
        return;
      }
      try {
        const buf = Buffer.alloc(64 * 1024);
        for (let n; (n = readSync(fd, buf, 0, buf.length, spoolAt)) > 0; spoolAt += n) {
          out.push(Buffer.from(buf.subarray(0, n)));
          const text = decoder.write(buf.subarray(0, n));
          if (text) opts.onOutput?.(text, "stdout");
        }
      } finally {
        closeSync(fd);
      }
    };
    const poll = opts.spool ? setInterval(drainSpool, 100) : undefined;
    const killTree = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        /* already gone */
      }
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killTree("SIGTERM");
          setTimeout(() => killTree("SIGKILL"), 2000).unref();
        }, opts.timeoutMs)
      : undefined;
    let markClosed = () => {};
    // The team's commands run in their own group, out of reach of a terminal's Ctrl-C or a
    // signal sent to Firebreak alone: they are tracked so interruptChildren() can stop them.
    // Every child is tracked, git included: a signal that stops Firebreak must not leave a push (and
    // the hook it runs on the other side) working on after it.
    const tracked: LiveChild = { kill: killTree, closed: new Promise<void>((r) => (markClosed = r)) };
    const onAbort = () => {
      if (!tracked.interruptedBy) killTree("SIGTERM");
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    live.add(tracked);
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      drainSpool();
      opts.signal?.removeEventListener("abort", onAbort);
      live.delete(tracked);
      markClosed();
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        timedOut,
        durationMs: Date.now() - started,
        ...(tracked?.interruptedBy ? { interrupted: tracked.interruptedBy } : {}),
      });
    };
    child.stdout?.on("data", (b: Buffer) => {
      out.push(b);
      opts.onOutput?.(b.toString("utf8"), "stdout");
    });
    child.stderr?.on("data", (b: Buffer) => {
      err.push(b);
      opts.onOutput?.(b.toString("utf8"), "stderr");
    });
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      live.delete(tracked);
      markClosed();
      settled = true;
      reject(e);
    });
    child.on("close", (code, signal) => finish(code, signal));
    // A stopped command's own children may keep its output pipes open: once it has exited after a
    // forwarded signal, wait briefly for the rest of its output, not for them.
    child.on("exit", (code, signal) => {
      if (tracked?.interruptedBy) setTimeout(() => finish(code, signal), 2000).unref();
    });
    child.stdin?.on("error", () => {
      /* the program may exit without reading its input */
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}
