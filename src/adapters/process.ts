// Runs a program with an argument array. Never a shell: nothing a user typed can become a command.
// The only shell strings Firebreak runs are the team's own commands from .firebreak.yml, and those
// go through runShell() below, which callers must show before running.

import type { ChildProcessWithoutNullStreams } from "node:child_process";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv; // merged over process.env
  input?: string | Buffer;
  timeoutMs?: number;
  /** Called with each chunk as it arrives (live logs); output is still collected. */
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
  signal?: AbortSignal;
}

export interface RunResult {
  code: number | null; // null when killed by a signal
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return spawnAndCollect(file, args, false, opts);
}

/** A team-written command from config. The caller shows it to the user before it runs. */
export function runShell(command: string, opts: RunOptions = {}): Promise<RunResult> {
  return spawnAndCollect(command, [], true, opts);
}

async function spawnAndCollect(file: string, args: readonly string[], shell: boolean, opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  // Loaded on first use: `firebreak status` usually needs no process, and this module costs start-up.
  const { spawn } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    const child: ChildProcessWithoutNullStreams = spawn(file, args as string[], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      shell,
      stdio: ["pipe", "pipe", "pipe"],
      // Own process group, so a timeout or Ctrl-C can stop the whole tree a shell command starts.
      detached: shell,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const killTree = (sig: NodeJS.Signals) => {
      try {
        if (shell && child.pid) process.kill(-child.pid, sig);
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
    const onAbort = () => killTree("SIGTERM");
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (b: Buffer) => {
      out.push(b);
      opts.onOutput?.(b.toString("utf8"), "stdout");
    });
    child.stderr.on("data", (b: Buffer) => {
      err.push(b);
      opts.onOutput?.(b.toString("utf8"), "stderr");
    });
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        timedOut,
        durationMs: Date.now() - started,
      });
    });
    child.stdin.on("error", () => {
      /* the program may exit without reading its input */
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}
