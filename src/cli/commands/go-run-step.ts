// Runs one step of `firebreak go` as the single command a person would type (the same operations,
// the same record, the same journal), in a child process: each step prints, fails and exits
// exactly as it does alone, and a crash of one step leaves go's own view of the record intact.
// Its lines are shown indented under the step; its "Next:" line is held back unless the step
// fails, since go itself goes on to the next step.

import { spawn } from "node:child_process";

export interface StepRunOptions {
  cwd: string;
  /** Global flags to carry over (--db, --dir). */
  globals: string[];
  /** Where the step's lines go (stdout for people; stderr when go streams JSON). */
  write: (text: string) => void;
  color: boolean;
}

export interface StepRun {
  code: number;
  ms: number;
  /** The step's own "Next:" line, for when it failed. */
  next: string | null;
}

export function runStep(args: readonly string[], o: StepRunOptions): Promise<StepRun> {
  const started = Date.now();
  const entry = process.argv[1] ?? "";
  const child = spawn(process.execPath, [...process.execArgv, entry, ...o.globals, ...args], {
    cwd: o.cwd,
    // The step never asks: go asked already, and passes the answers as flags.
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...(o.color ? { FORCE_COLOR: "1" } : { NO_COLOR: "1" }) },
  });
  let next: string | null = null;
  const lines = (chunk: Buffer, carry: { rest: string }) => {
    const text = carry.rest + chunk.toString("utf8");
    const parts = text.split("\n");
    carry.rest = parts.pop() ?? "";
    for (const line of parts) {
      if (/^(\u001b\[[0-9;]*m)*Next:/.test(line)) next = line.replace(/\u001b\[[0-9;]*m/g, "").replace(/^Next:\s*/, "");
      else o.write(`    ${line}\n`);
    }
  };
  const out = { rest: "" };
  const err = { rest: "" };
  child.stdout.on("data", (c: Buffer) => lines(c, out));
  child.stderr.on("data", (c: Buffer) => lines(c, err));
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      for (const rest of [out.rest, err.rest]) if (rest) o.write(`    ${rest}\n`);
      resolve({ code: code ?? (signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 1), ms: Date.now() - started, next });
    });
  });
}
