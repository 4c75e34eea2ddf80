// npm run bench:backport — one small fix carried to 5 target branches of a 100,000-file repository.
// Compared in the same run, on the same clone:
//   ours      backportAll() without push: no checkout, the user's tree untouched
//   floor     a raw `git cherry-pick -x` per target in an existing checkout (the switch to each
//             target is timed separately and not counted in the floor)
//   worktree  `git worktree add` + cherry-pick + remove per target, as today's tools do it
// The repository is built once with git fast-import and cached under bench/.cache/.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { backportAll } from "../src/backport/engine.js";

const FILES = 100_000;
const TARGETS = 5;
const ROUNDS = 3;
const HERE = dirname(fileURLToPath(import.meta.url));
const CACHE = join(HERE, ".cache", `backport-${FILES}`);
const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.test",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.test",
  LC_ALL: "C",
};

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, env: ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 }).trim();
const path = (i: number) => `d${String(Math.floor(i / 100)).padStart(4, "0")}/f${String(i % 100).padStart(2, "0")}.txt`;
const FIX_FILE = path(50_050);
const lines = (n: number, tag: string) => Array.from({ length: n }, (_, k) => `${tag} line ${k}`).join("\n") + "\n";

function stream(): string {
  const out: string[] = [];
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const commit = (ref: string, mark: number, from: number | null, msg: string, t: number) =>
    `commit ${ref}\nmark :${mark}\nauthor Bench <bench@example.test> ${t} +0000\ncommitter Bench <bench@example.test> ${t} +0000\n${data(msg)}${from ? `from :${from}\n` : ""}`;
  out.push(commit("refs/heads/main", 1, null, "initial: 100k files", 1_700_000_000));
  for (let i = 0; i < FILES; i++) out.push(`M 100644 inline ${path(i)}\n${data(path(i) === FIX_FILE ? lines(40, "auth") : `file ${i}\n`)}`);
  for (let t = 1; t <= TARGETS; t++) {
    out.push(commit(`refs/heads/target-${t}`, 1 + t, 1, `target ${t} moves on`, 1_700_000_100 + t));
    out.push(`M 100644 inline ${path(t * 1000)}\n${data(`target ${t} changed this\n`)}`);
  }
  const fixed = lines(40, "auth").replace("auth line 20\n", "auth line 20 (expired tokens refused)\n");
  out.push(commit("refs/heads/hotfix", 100, 1, "fix: refuse expired tokens", 1_700_000_200));
  out.push(`M 100644 inline ${FIX_FILE}\n${data(fixed)}`);
  return out.join("");
}

async function buildCache(): Promise<void> {
  if (existsSync(join(CACHE, "ready"))) return;
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  const t0 = Date.now();
  git(CACHE, "init", "-q", "--bare", "--initial-branch=main", "repo.git");
  const repo = join(CACHE, "repo.git");
  await new Promise<void>((resolve, reject) => {
    const p = spawn("git", ["fast-import", "--quiet"], { cwd: repo, env: ENV, stdio: ["pipe", "inherit", "inherit"] });
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`))));
    p.stdin.end(stream());
  });
  git(repo, "gc", "-q");
  writeFileSync(join(CACHE, "ready"), new Date().toISOString() + "\n");
  console.log(`built ${FILES.toLocaleString("en")}-file repository in ${((Date.now() - t0) / 1000).toFixed(1)} s (cached in ${CACHE})`);
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  await buildCache();
  const root = mkdtempSync(join(tmpdir(), "firebreak-bench-backport-"));
  try {
    const work = join(root, "work");
    let t0 = process.hrtime.bigint();
    git(root, "clone", "-q", "--shared", join(CACHE, "repo.git"), work);
    console.log(`setup: clone + checkout of main ${(ms(t0) / 1000).toFixed(1)} s (not timed below)`);
    for (let t = 1; t <= TARGETS; t++) git(work, "branch", "-q", `target-${t}`, `origin/target-${t}`);
    const fix = git(work, "rev-parse", "origin/hotfix");
    const targets = Array.from({ length: TARGETS }, (_, i) => ({ branch: `target-${i + 1}`, short: `t${i + 1}` }));
    git(work, "status", "--porcelain"); // warm the index and the stat cache for everyone

    const oursRounds = async (): Promise<number[]> => {
      const ours: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        for (const t of targets) git(work, "update-ref", "-d", `refs/heads/backport/${t.short}/hotfix-ENG-1`);
        t0 = process.hrtime.bigint();
        const res = await backportAll({ cwd: work, fixCommits: [fix], ticket: "ENG-1", targets, push: false });
        ours.push(ms(t0));
        const bad = res.filter((x) => x.status !== "done");
        if (bad.length > 0) throw new Error(`our backport did not finish: ${JSON.stringify(bad)}`);
      }
      return ours;
    };
    const ours = await oursRounds();
    // The temporary-index path, which git older than 2.38 uses.
    process.env.FIREBREAK_BACKPORT_FORCE_INDEX = "1";
    const oursIndex = await oursRounds();
    delete process.env.FIREBREAK_BACKPORT_FORCE_INDEX;

    const floor: number[] = [];
    let switching = 0;
    for (let r = 0; r < ROUNDS; r++) {
      let total = 0;
      for (const t of targets) {
        let s = process.hrtime.bigint();
        git(work, "switch", "-q", "--detach", t.branch);
        switching += ms(s);
        s = process.hrtime.bigint();
        git(work, "cherry-pick", "-x", fix);
        total += ms(s);
      }
      floor.push(total);
    }
    git(work, "switch", "-q", "main");

    t0 = process.hrtime.bigint();
    const wt = join(root, "wt");
    git(work, "worktree", "add", "-q", "--detach", wt, "target-1");
    git(wt, "cherry-pick", "-x", fix);
    git(work, "worktree", "remove", "--force", wt);
    const oneWorktree = ms(t0);

    const [o, f] = [median(ours), median(floor)];
    const w = oneWorktree * TARGETS;
    const row = (name: string, v: number, note = "") =>
      console.log(`${name.padEnd(34)} ${(v / 1000).toFixed(3).padStart(8)} s  ${(v / f).toFixed(2).padStart(6)}× floor  ${note}`);
    console.log(
      `\n${FILES.toLocaleString("en")} files, ${TARGETS} targets, one small fix; median of ${ROUNDS} rounds (git ${git(work, "version").replace("git version ", "")})`,
    );
    row("ours (backportAll, no push)", o, `rounds: ${ours.map((x) => (x / 1000).toFixed(3)).join(", ")} s`);
    row(
      "ours, temporary-index path",
      median(oursIndex),
      `rounds: ${oursIndex.map((x) => (x / 1000).toFixed(3)).join(", ")} s (git < 2.38)`,
    );
    row("floor: git cherry-pick in checkout", f, `rounds: ${floor.map((x) => (x / 1000).toFixed(3)).join(", ")} s`);
    row("  + switching to each target", f + switching / ROUNDS, "(switch not part of the floor)");
    row("worktree per target", w, `one worktree timed (${(oneWorktree / 1000).toFixed(3)} s) × ${TARGETS}`);
    console.log(
      `\ngoal ours ≤ 1.2× floor: ${o / f <= 1.2 ? "met" : "NOT met"} (${(o / f).toFixed(2)}×); worktree/ours ${(w / o).toFixed(1)}×`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
