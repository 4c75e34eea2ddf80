// Counts the git processes a command starts: a `git` first on PATH that writes its arguments to a
// log, then runs the real git. Each line of the log is one git process the command started.

import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface GitCounter {
  /** Environment for the command under count: PATH with the counting git first. */
  env: Record<string, string>;
  /** The argument lines logged so far (one per git process), and clears the log. */
  take(): string[];
}

export function gitCounter(dir: string): GitCounter {
  const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  const bin = join(dir, "counting-git-bin");
  const log = join(dir, "git-calls.log");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "git"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(join(bin, "git"), 0o755);
  writeFileSync(log, "");
  return {
    env: { PATH: `${bin}:${process.env.PATH ?? ""}` },
    take() {
      const lines = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
      writeFileSync(log, "");
      return lines;
    },
  };
}

/** `git -c … -c … merge-base --is-ancestor …` → "merge-base": the subcommand after the -c options. */
export function subcommandOf(line: string): string {
  const words = line.split(" ");
  let i = 0;
  while (words[i] === "-c" || words[i] === "-C") i += 2;
  return words[i] ?? "";
}
