// npm run bench:startup — how close `firebreak status --json` starts to bare node.
// Prints the median of each, measured alternately in the same run (this machine is shared and
// noisy, so only the ratio means anything). Goal: ratio ≤ 1.3.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const RUNS = Number(process.env.RUNS ?? 31);
const cli = resolve("dist/firebreak.js");
const root = mkdtempSync(join(tmpdir(), "firebreak-bench-"));
const git = (cwd, ...args) => execFileSync("git", args, { cwd, stdio: "pipe" });

try {
  const origin = join(root, "origin.git");
  const work = join(root, "work");
  git(root, "init", "-q", "--bare", "--initial-branch=main", origin);
  git(root, "clone", "-q", origin, work);
  git(work, "-c", "user.name=b", "-c", "user.email=b@x", "commit", "-q", "--allow-empty", "-m", "init");
  git(work, "push", "-q", "origin", "main");
  const env = { ...process.env, FIREBREAK_ACTOR: "bench", NO_COLOR: "1" };
  execFileSync(process.execPath, [cli, "start", "ENG-1", "Bench incident", "--priority", "P1", "--no-push"], {
    cwd: work,
    env,
    stdio: "pipe",
  });

  const time = (args, cwd) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd, env, stdio: "pipe" });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const base = [];
  const status = [];
  for (let i = 0; i < 3; i++) time([cli, "status", "--json"], work); // warm the file cache
  for (let i = 0; i < RUNS; i++) {
    base.push(time(["-e", "0"], work));
    status.push(time([cli, "status", "--json"], work));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const b = median(base);
  const s = median(status);
  console.log(`runs: ${RUNS} each, alternating`);
  console.log(`node -e 0                   median ${b.toFixed(1)} ms`);
  console.log(`firebreak status --json     median ${s.toFixed(1)} ms`);
  console.log(`ratio                       ${(s / b).toFixed(2)}  (goal ≤ 1.30)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
