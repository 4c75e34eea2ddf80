// Running the CLI as a process the test can signal, and waiting on conditions (never on time).

import { spawn, type ChildProcess } from "node:child_process";
import { CLI, type CliResult } from "../helpers/cli.js";

export interface Running {
  child: ChildProcess;
  output(): string;
  done: Promise<CliResult>;
}

export function spawnCli(cwd: string, args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", FIREBREAK_ACTOR: "tester", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
  // A safety net for a run that never ends: the test stops every process it starts.
  const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
  const done = new Promise<CliResult>((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, json: () => JSON.parse(stdout) });
    }),
  );
  return { child, output: () => stdout + stderr, done };
}

/** Polls `cond` every 100 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves with the result, or null when the run has not ended within `timeoutMs`. */
export async function within(r: Running, timeoutMs: number): Promise<CliResult | null> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
  const res = await Promise.race([r.done, t]);
  clearTimeout(timer);
  return res;
}
