// npm run bench:guard: the guard on a 5,000-file change in a 100,000-file repository, next to the
// raw git calls it makes, in the same run. Goal: guard ≤ 1.5 × git, and under 2 s.
// The repository is built once (git fast-import) and cached under bench/.cache/.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../src/adapters/process.js";
import { runGuard } from "../src/guard/guard.js";
import { diffCommands, git, readChangeSet, resolveMergeBase } from "../src/guard/read-diff.js";

const FILES = 100_000;
const COMMITTED_CHANGES = 4_000; // on the hotfix branch
const WORKTREE_CHANGES = 1_000; // edited, not committed
const RUNS = 5;
const VERSION = "guard-bench-v1";

const cacheDir = join(dirname(fileURLToPath(import.meta.url)), ".cache");
const repo = join(cacheDir, "guard-repo");
const marker = join(cacheDir, "guard-repo.ready");

const pathOf = (i: number) => `src/m${Math.floor(i / 1000)}/d${Math.floor(i / 100) % 10}/f${i % 100}.js`;
const content = (i: number, v: number) =>
  `// file ${i}\nexport function f${i}(x) {\n  const a = x + ${i};\n  const b = a * ${v};\n  return b;\n}\n`;

async function mustRun(args: string[], input?: string): Promise<void> {
  const r = await run("git", args, { cwd: repo, input, env: { GIT_TERMINAL_PROMPT: "0" } });
  if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
}

function commitStream(branch: string, from: string | null, files: Array<[string, string]>, mark: number, msg: string): string {
  const parts = [
    `commit refs/heads/${branch}\nmark :${mark}\ncommitter Bench <bench@example.test> 1700000000 +0000\ndata ${msg.length}\n${msg}\n`,
  ];
  if (from) parts.push(`from ${from}\n`);
  for (const [p, c] of files) parts.push(`M 100644 inline ${p}\ndata ${Buffer.byteLength(c)}\n${c}\n`);
  return parts.join("") + "\n";
}

async function buildRepo(): Promise<void> {
  if (existsSync(marker) && readFileSync(marker, "utf8") === VERSION) return;
  console.log(`Building a ${FILES.toLocaleString("en")}-file repository in ${repo} (once)…`);
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  await mustRun(["init", "-q", "--initial-branch=main"]);
  const all: Array<[string, string]> = [];
  for (let i = 0; i < FILES; i++) all.push([pathOf(i), content(i, 1)]);
  const changed: Array<[string, string]> = [];
  for (let k = 0; k < COMMITTED_CHANGES; k++) {
    const i = k * 17; // spread over the tree
    changed.push([pathOf(i), content(i, 2) + `// ENG-1: because ${i}\n`]);
  }
  changed.push(["test/fix.test.js", "it('works', () => {});\n"]);
  const stream = commitStream("main", null, all, 1, "production") + commitStream("hotfix", ":1", changed, 2, "fix");
  await mustRun(["fast-import", "--quiet"], stream);
  await mustRun(["symbolic-ref", "HEAD", "refs/heads/hotfix"]);
  await mustRun(["reset", "-q", "--hard"]);
  for (let k = 0; k < WORKTREE_CHANGES; k++) {
    const i = k * 17 + 5;
    writeFileSync(join(repo, pathOf(i)), content(i, 3));
  }
  writeFileSync(marker, VERSION);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeGuard(): Promise<{ ms: number; files: number }> {
  const t = performance.now();
  const changes = await readChangeSet(repo, "main");
  const report = runGuard(changes, { priority: "P1", ticket: "ENG-1", allows: [] });
  const ms = performance.now() - t;
  if (report.findings.length === 0) throw new Error("expected findings on a 5,000-file change");
  return { ms, files: changes.files.length };
}

async function timeRawGit(): Promise<number> {
  const t = performance.now();
  const { mergeBase } = await resolveMergeBase(repo, "main");
  await Promise.all(diffCommands(mergeBase).map((args) => git(repo, args)));
  return performance.now() - t;
}

async function main(): Promise<void> {
  await buildRepo();
  await timeGuard(); // warm the page cache and git's index
  await timeRawGit();
  const guard: number[] = [];
  const raw: number[] = [];
  let files = 0;
  for (let i = 0; i < RUNS; i++) {
    const g = await timeGuard();
    guard.push(g.ms);
    files = g.files;
    raw.push(await timeRawGit());
  }
  const g = median(guard);
  const r = median(raw);
  console.log(`repository: ${FILES.toLocaleString("en")} files; change: ${files.toLocaleString("en")} files (median of ${RUNS})`);
  console.log(`raw git calls      ${r.toFixed(0).padStart(6)} ms`);
  console.log(`readChangeSet+guard ${g.toFixed(0).padStart(5)} ms`);
  console.log(`ratio              ${(g / r).toFixed(2).padStart(6)} ×   (goal ≤ 1.5 ×, and under 2,000 ms)`);
  if (g / r > 1.5 || g > 2000) process.exitCode = 1;
}

await main();
