// npm run bench:overhead — Firebreak's own time over a whole P1, on a repository shaped like
// express: ~1,200 commits and 300 release tags (a 5.x line production does not contain among
// them), a bare origin and the offline git forge. The deploy and the checks are `true` and the
// smoke test answers from 127.0.0.1 at once, so what is timed is Firebreak and the git it runs.
// Prints each command's time and the git processes it started (a `git` first on PATH counts
// them), the total, and `node -e 0` / `git --version` measured in the same run, so the figure
// can be read as a ratio on a shared, noisy machine. Goal: under 10 s in all.

import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gitCounter, subcommandOf } from "../test/helpers/git-count.js";

const TAGS = 300;
const COMMITS = 1200;
const CLI = resolve("dist/firebreak.js");
const GIT_ENV = {
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.test",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.test",
  LC_ALL: "C",
};
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const config = (port: number) => `production:
  branch: main
  remote: origin
forge:
  type: git
checks:
  test: "true"
deploy:
  staging: { type: command, command: "true" }
  production: { type: command, command: "true" }
verify:
  baseUrl: { staging: "http://127.0.0.1:${port}", production: "http://127.0.0.1:${port}" }
  smoke:
    - { name: health, url: /health, expectStatus: 200 }
notify:
  channels: [statuspage-static]
  staticPage: { dir: ../status-page, title: Bench status }
`;

/**
 * main: COMMITS commits over 200 files, a release tag every few commits (v1.0.0 … v4.x, annotated);
 * next: a 5.x line branched off near the end, tagged too. One git fast-import builds it all.
 */
function history(port: number): string {
  const out: string[] = [];
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  let t = 1_600_000_000;
  const commit = (ref: string, mark: number, from: number | null, msg: string, files: Record<string, string>) => {
    t += 3600;
    out.push(
      `commit ${ref}\nmark :${mark}\nauthor Bench <bench@example.test> ${t} +0000\ncommitter Bench <bench@example.test> ${t} +0000\n${data(msg)}${from ? `from :${from}\n` : ""}`,
    );
    for (const [p, c] of Object.entries(files)) out.push(`M 100644 inline ${p}\n${data(c)}`);
  };
  const tag = (name: string, mark: number) =>
    out.push(`tag ${name}\nfrom :${mark}\ntagger Bench <bench@example.test> ${t} +0000\n${data(`release ${name}\n`)}`);
  const initial: Record<string, string> = {
    "package.json": '{ "name": "bench-app", "version": "1.0.0" }\n',
    ".firebreak.yml": config(port),
  };
  for (let i = 0; i < 200; i++) initial[`lib/m${i}.js`] = `export const m${i} = ${i};\n`;
  commit("refs/heads/main", 1, null, "initial", initial);
  const mainTags = TAGS - 40;
  const every = Math.floor(COMMITS / mainTags);
  let n = 0;
  for (let i = 2; i <= COMMITS; i++) {
    commit("refs/heads/main", i, i - 1, `change ${i}`, { [`lib/m${i % 200}.js`]: `export const m${i % 200} = ${i};\n` });
    if (i % every === 0 && n < mainTags) {
      const major = 1 + Math.floor(n / 80);
      const minor = Math.floor((n % 80) / 10);
      tag(`v${major}.${minor}.${n % 10}`, i);
      n++;
    }
  }
  for (let i = 0; i < 40; i++) {
    commit("refs/heads/next", COMMITS + 1 + i, i === 0 ? COMMITS - 50 : COMMITS + i, `5.x change ${i}`, {
      "lib/next.js": `export const v = ${i};\n`,
    });
    tag(`v5.0.${i}`, COMMITS + 1 + i);
  }
  return out.join("");
}

interface Step {
  args: string[];
  before?: () => void;
  /** The exit expected: `firebreak go` stops with 5 where a person must act. */
  expect?: number;
}

/** One incident on a fresh clone, through the single commands or through `firebreak go`; returns the total ms. */
async function main(mode: "single" | "go"): Promise<number> {
  const server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const root = mkdtempSync(join(tmpdir(), "firebreak-bench-overhead-"));
  try {
    const origin = join(root, "origin.git");
    const work = join(root, "work");
    let t0 = process.hrtime.bigint();
    git(root, "init", "-q", "--bare", "--initial-branch=main", origin);
    execFileSync("git", ["fast-import", "--quiet"], { cwd: origin, input: history(port), maxBuffer: 1 << 28 });
    git(root, "clone", "-q", origin, work);
    git(work, "config", "user.name", "Bench");
    git(work, "config", "user.email", "bench@example.test");
    const tagCount = git(work, "tag", "-l").split("\n").length;
    console.log(`setup: ${COMMITS + 40} commits, ${tagCount} tags, clone in ${(ms(t0) / 1000).toFixed(1)} s (not timed below)`);

    const counter = gitCounter(root);
    const env = { ...process.env, ...counter.env, FIREBREAK_ACTOR: "bench", NO_COLOR: "1", GIT_TERMINAL_PROMPT: "0" };
    const fix = () => {
      writeFileSync(join(work, "lib/m7.js"), "export const m7 = (t) => t.exp > Date.now() / 1000;\n");
      mkdirSync(join(work, "test"), { recursive: true });
      writeFileSync(join(work, "test/m7.test.js"), "// rejects an expired token\n");
      git(work, "add", "-A");
    };
    const announce = ["--public-title", "Sign-in fixed", "--public-summary", "Expired sessions are refused again."];
    // Through go: what a person types; go stops where a person acts (the approval, the two confirmations).
    const viaGo: Step[] = [
      { args: ["start", "ENG-7", "Expired tokens accepted", "--priority", "P1"] },
      { args: ["go", "--what", "expired tokens got 200", "--root-cause", "exp never compared with now"], before: fix, expect: 5 },
      { args: ["approve", "--by", "Dana"] },
      { args: ["confirm", "monitoring"] },
      { args: ["confirm", "oncall-notified"] },
      { args: ["go", "--yes", "ship,announce", ...announce] },
    ];
    const single: Step[] = [
      { args: ["start", "ENG-7", "Expired tokens accepted", "--priority", "P1"] },
      { args: ["check"], before: fix },
      { args: ["commit", "--what", "expired tokens got 200", "--root-cause", "exp never compared with now"] },
      { args: ["pr"] },
      { args: ["approve", "--by", "Dana"] },
      { args: ["ship", "--to", "staging", "--no-verify"] },
      { args: ["verify", "--env", "staging"] },
      { args: ["confirm", "monitoring"] },
      { args: ["confirm", "oncall-notified"] },
      { args: ["ship", "--to", "production", "--no-verify"] },
      { args: ["verify"] },
      {
        args: [
          "announce",
          "--stage",
          "resolved",
          "--public-title",
          "Sign-in fixed",
          "--public-summary",
          "Expired sessions are refused again.",
        ],
      },
      { args: ["status"] },
      { args: ["review", "--write", join(root, "review.md"), "--html"] },
    ];
    const steps = mode === "go" ? viaGo : single;
    console.log(`\n== ${mode === "go" ? "through firebreak go" : "through the single commands"}`);
    const rows: { cmd: string; ms: number; git: number; top: string }[] = [];
    for (const s of steps) {
      s.before?.();
      counter.take();
      t0 = process.hrtime.bigint();
      // Not spawnSync: the smoke test's server answers from this process's event loop.
      const r = await new Promise<{ code: number; out: string }>((done) =>
        execFile(process.execPath, [CLI, ...s.args], { cwd: work, env, encoding: "utf8" }, (err, stdout, stderr) =>
          done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` }),
        ),
      );
      const took = ms(t0);
      if (r.code !== (s.expect ?? 0)) throw new Error(`firebreak ${s.args.join(" ")} exited ${r.code}:\n${r.out}`);
      const lines = counter.take();
      // BENCH_GIT_LOG=1 lists every git process a command started, without the -c protocol limits.
      if (process.env.BENCH_GIT_LOG)
        console.log(`\n# ${s.args.join(" ")}\n${lines.map((l) => `  git ${l.slice(l.indexOf(subcommandOf(l)))}`).join("\n")}`);
      const calls = lines.map(subcommandOf);
      const by = new Map<string, number>();
      for (const c of calls) by.set(c, (by.get(c) ?? 0) + 1);
      const top = [...by]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([c, k]) => `${c}×${k}`)
        .join(" ");
      rows.push({
        cmd: s.args
          .slice(0, s.args[0] === "ship" || s.args[0] === "verify" ? 3 : 1)
          .filter((a) => a !== "--no-verify")
          .join(" "),
        ms: took,
        git: calls.length,
        top,
      });
    }

    const nodeRuns: number[] = [];
    const gitRuns: number[] = [];
    for (let i = 0; i < 11; i++) {
      t0 = process.hrtime.bigint();
      spawnSync(process.execPath, ["-e", "0"]);
      nodeRuns.push(ms(t0));
      t0 = process.hrtime.bigint();
      spawnSync("git", ["--version"]);
      gitRuns.push(ms(t0));
    }
    const node0 = median(nodeRuns);
    const git0 = median(gitRuns);
    const total = rows.reduce((a, r) => a + r.ms, 0);
    const gits = rows.reduce((a, r) => a + r.git, 0);
    console.log(`\n${"command".padEnd(24)} ${"time".padStart(9)} ${"git procs".padStart(9)}  most started`);
    for (const r of rows) console.log(`${r.cmd.padEnd(24)} ${`${r.ms.toFixed(0)} ms`.padStart(9)} ${String(r.git).padStart(9)}  ${r.top}`);
    console.log(`${"total".padEnd(24)} ${`${(total / 1000).toFixed(2)} s`.padStart(9)} ${String(gits).padStart(9)}`);
    console.log(`\nbaseline, same run: node -e 0 median ${node0.toFixed(1)} ms, git --version median ${git0.toFixed(1)} ms`);
    console.log(
      `total = ${(total / node0).toFixed(0)} × node -e 0 over ${rows.length} commands (${(total / rows.length / node0).toFixed(1)} × per command); git processes ≈ ${((gits * git0) / 1000).toFixed(2)} s at git --version's cost`,
    );
    console.log(`goal: under 10 s in all — ${total < 10_000 ? "met" : "NOT met"}`);
    return total;
  } finally {
    server.close();
    // BENCH_KEEP=1 leaves the repository behind for profiling one command by hand.
    if (process.env.BENCH_KEEP) console.log(`kept: ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

// Both ways on fresh clones in one run, so their ratio reads on a noisy machine.
const single = await main("single");
const viaGo = await main("go");
console.log(
  `\nthrough go: ${(viaGo / 1000).toFixed(2)} s in 6 typed commands (3 of them a person's approval and confirmations) against ${(single / 1000).toFixed(2)} s in 14 single commands: ${(viaGo / single).toFixed(2)}× — goal for go's own overhead: under 30 s`,
);
