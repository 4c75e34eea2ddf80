// `npm run bench:verify-live`: the built CLI (dist/firebreak.js) against live endpoints, in real
// time. Each run is a sandbox (a git repository with a bare origin and a .firebreak.yml whose
// verify section watches one scrape metric) and an HTTP endpoint on 127.0.0.1 serving Prometheus
// text: two counters advanced every 100 ms by a seeded Poisson process at 50 requests/s, whose
// bad fraction changes at the moment of the "deploy". Per run, as a user does without an incident:
//   firebreak verify --capture-baseline --no-incident      (the automatic, adaptive baseline)
//   the deploy: the endpoint's bad fraction changes now
//   firebreak verify --no-incident --since <deploy> --stop-at-verdict --json
// Every setting is verify's default (α, β, 2×, tolerance 1, warm-up 60 s with its 5× allowance,
// reads every 15 s, baseline 10 s then on until the watch could catch 2×, at most 600 s, window
// 30 min); a run with no verdict after VERIFY_LIVE_CAP_MINUTES (default 10) is stopped and counted
// as "none". No clock is faked: times are wall-clock seconds from the deploy.
//
// VERIFY_LIVE_RUNS (default 3) runs per scenario; VERIFY_LIVE_ONLY=fix,x2 picks scenarios;
// VERIFY_LIVE_CONCURRENCY runs at once (default: all, at most 15; a run's CLI waits between reads
// and uses well under a second of CPU in ten minutes, so 15 at once fit on two cores and the whole
// bench takes about as long as its slowest run). Prints the table and writes
// bench/results/verify-live.md. Ctrl-C stops every process it started and removes its sandboxes.

import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import { createRng, poisson, runSeed } from "../src/verify/simulate.js";
import { informationBound } from "../src/verify/bound.js";

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, "..", "dist", "firebreak.js");
const RATE = 50; // requests per second
const TICK_MS = 100; // the Poisson process advances on this tick
const ALPHA = 0.01;
const BETA = 0.01;
const RATIO = 2;
const RUNS = Math.max(1, Number(process.env.VERIFY_LIVE_RUNS ?? 3));
const CONCURRENCY_SET = process.env.VERIFY_LIVE_CONCURRENCY;
let CONCURRENCY = 1;
const CAP_SECONDS = Math.max(1, Number(process.env.VERIFY_LIVE_CAP_MINUTES ?? 10)) * 60;
const ONLY = (process.env.VERIFY_LIVE_ONLY ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);

interface Scenario {
  key: string;
  label: string;
  /** the bad fraction before the deploy */
  before: number;
  /** the bad fraction `seconds` after the deploy */
  after: (seconds: number) => number;
  expect: "verified" | "regression";
  /** the information bound's inputs: the rate after (steady) */
  steadyAfter: number;
}

const SCENARIOS: Scenario[] = [
  { key: "fix", label: "fix 2% → 0.5%", before: 0.02, after: () => 0.005, steadyAfter: 0.005, expect: "verified" },
  { key: "x2", label: "regression 0.5% → 1% (2×)", before: 0.005, after: () => 0.01, steadyAfter: 0.01, expect: "regression" },
  { key: "x4", label: "regression 0.5% → 2% (4×)", before: 0.005, after: () => 0.02, steadyAfter: 0.02, expect: "regression" },
  { key: "same", label: "no change 0.5%", before: 0.005, after: () => 0.005, steadyAfter: 0.005, expect: "verified" },
  {
    key: "spike",
    label: "warm-up spike 3× for 45 s",
    before: 0.005,
    after: (s) => (s < 45 ? 0.015 : 0.005),
    steadyAfter: 0.005,
    expect: "verified",
  },
];

/**
 * The information bound (src/verify/bound.ts) for the decision each scenario needs: a regression
 * told apart from the baseline; a verdict of "verified" told apart from regressionRatio × the
 * baseline (for a fix, the post-deploy rate against 2× the pre-deploy one). It knows nothing of
 * the warm-up, the scrape interval or the baseline's own noise.
 */
function boundSeconds(s: Scenario): number {
  if (s.expect === "regression")
    return informationBound({ rate: RATE, p0: s.before, k: s.steadyAfter / s.before, alpha: ALPHA, beta: BETA }).rollbackSeconds;
  return informationBound({ rate: RATE, p0: s.steadyAfter, k: (RATIO * s.before) / s.steadyAfter, alpha: ALPHA, beta: BETA }).verifySeconds;
}

// ---------------------------------------------------------------------------------------------
// The endpoint: counters advanced lazily, tick by tick, up to the time of each scrape; a tick's
// fraction is decided by its own time against the deploy, so the result does not depend on when
// the scrapes come.

interface Endpoint {
  url: string;
  deploy(at: number): void;
  close(): Promise<void>;
}

function startEndpoint(seed: number, s: Scenario): Promise<Endpoint> {
  const rng = createRng(seed);
  let total = 0;
  let bad = 0;
  let tickAt = Date.now();
  let deployAt = Infinity;
  const advance = () => {
    const now = Date.now();
    while (tickAt + TICK_MS <= now) {
      const t = tickAt + TICK_MS / 2;
      const p = t < deployAt ? s.before : s.after((t - deployAt) / 1000);
      const mu = (RATE * TICK_MS) / 1000;
      // Poisson thinning: bad and good requests are independent Poisson counts.
      const b = poisson(rng, mu * p);
      total += b + poisson(rng, mu * (1 - p));
      bad += b;
      tickAt += TICK_MS;
    }
  };
  const server: Server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    advance();
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    res.end(
      "# HELP app_requests_total Requests served.\n# TYPE app_requests_total counter\n" +
        `app_requests_total ${total}\n` +
        "# HELP app_requests_bad_total Requests that failed.\n# TYPE app_requests_bad_total counter\n" +
        `app_requests_bad_total ${bad}\n`,
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/metrics`,
        deploy(at) {
          advance(); // every tick before the deploy at the old fraction
          deployAt = at;
        },
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Processes and sandboxes, all stopped and removed on the way out (normal end or a signal).

const children = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<void> | void>();
let stopping = false;

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "bench@example.test",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "bench@example.test",
  GIT_TERMINAL_PROMPT: "0",
};
const git = (cwd: string, args: string[]) =>
  execFileSync("git", args, { cwd, env: { ...process.env, ...GIT_ENV }, stdio: ["ignore", "pipe", "pipe"] });

function makeSandbox(metricsUrl: string): string {
  const root = mkdtempSync(join(tmpdir(), "firebreak-verify-live-"));
  const origin = join(root, "origin.git");
  const work = join(root, "work");
  git(root, ["init", "-q", "--bare", "--initial-branch=main", origin]);
  git(root, ["init", "-q", "--initial-branch=main", work]);
  // The verify section: one scrape metric; every other key is verify's default.
  writeFileSync(
    join(work, ".firebreak.yml"),
    `verify:
  metrics:
    - name: error rate
      source: scrape
      url: ${metricsUrl}
      bad: app_requests_bad_total
      total: app_requests_total
`,
  );
  git(work, ["add", "-A"]);
  git(work, ["commit", "-q", "-m", "chore: firebreak config"]);
  git(work, ["remote", "add", "origin", origin]);
  git(work, ["push", "-q", "origin", "main"]);
  return root;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  capped: boolean;
}

function firebreak(cwd: string, args: string[], capSeconds: number): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", FIREBREAK_ACTOR: "bench" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    let stdout = "";
    let stderr = "";
    let capped = false;
    // Past the cap, stop it the way Ctrl-C does (verify ends its watch), then for good.
    const cap = setTimeout(() => {
      capped = true;
      child.kill("SIGINT");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    }, capSeconds * 1000);
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", (e) => {
      clearTimeout(cap);
      children.delete(child);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(cap);
      children.delete(child);
      resolve({ code, stdout, stderr, capped });
    });
  });
}

async function stopAll(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  const deadline = Date.now() + 5000;
  while (children.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const c of children) c.kill("SIGKILL");
  for (const f of cleanups) await f();
  console.error(`\nStopped by ${signal}: every process this bench started is stopped and its sandboxes removed.`);
  process.exit(130);
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, () => void stopAll(sig));

// ---------------------------------------------------------------------------------------------

type Verdict = "verified" | "regression" | "inconclusive" | "none" | "error";

interface RunResult {
  scenario: Scenario;
  run: number;
  verdict: Verdict;
  /** seconds from the deploy to the verdict, as the CLI counted them */
  seconds: number | null;
  baselineSeconds: number | null;
  note?: string;
}

const started = Date.now();
const clock = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
};
const say = (line: string) => console.error(`[${clock()}] ${line}`);

async function runOne(s: Scenario, index: number, run: number): Promise<RunResult> {
  const ep = await startEndpoint(runSeed(index, run), s);
  const root = makeSandbox(ep.url);
  const cleanup = async () => {
    await ep.close();
    rmSync(root, { recursive: true, force: true });
  };
  cleanups.add(cleanup);
  const work = join(root, "work");
  const name = `${s.key} #${run + 1}`;
  try {
    say(`${name}: sampling the baseline (verify --capture-baseline)`);
    const cap = await firebreak(work, ["--json", "verify", "--capture-baseline", "--no-incident"], 900);
    if (stopping) return { scenario: s, run, verdict: "error", seconds: null, baselineSeconds: null, note: "stopped" };
    if (cap.code !== 0)
      return {
        scenario: s,
        run,
        verdict: "error",
        seconds: null,
        baselineSeconds: null,
        note: `capture exit ${cap.code}: ${cap.stderr.trim().split("\n").pop()}`,
      };
    const baselineSeconds = Number(JSON.parse(cap.stdout).baseline?.seconds ?? NaN);
    const deployAt = Date.now();
    ep.deploy(deployAt);
    say(`${name}: baseline ${Math.round(baselineSeconds)} s; deployed; watching (verify --since <deploy> --stop-at-verdict)`);
    const v = await firebreak(
      work,
      ["--json", "verify", "--no-incident", "--since", new Date(deployAt).toISOString(), "--stop-at-verdict"],
      CAP_SECONDS,
    );
    const wall = (Date.now() - deployAt) / 1000;
    if (v.capped) {
      say(`${name}: no verdict within ${CAP_SECONDS / 60} min; stopped`);
      return { scenario: s, run, verdict: "none", seconds: null, baselineSeconds };
    }
    let out: { outcome?: string; decidedAfterSeconds?: number | null };
    try {
      out = JSON.parse(v.stdout);
    } catch {
      return {
        scenario: s,
        run,
        verdict: "error",
        seconds: null,
        baselineSeconds,
        note: `verify exit ${v.code}: ${v.stderr.trim().split("\n").pop()}`,
      };
    }
    const verdict = (out.outcome ?? "error") as Verdict;
    const seconds = typeof out.decidedAfterSeconds === "number" ? out.decidedAfterSeconds : Math.round(wall);
    say(`${name}: ${verdict} ${seconds} s after the deploy (exit ${v.code})`);
    return { scenario: s, run, verdict, seconds, baselineSeconds };
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
  }
}

async function pool<T>(jobs: Array<() => Promise<T>>, size: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !stopping) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, jobs.length) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------

const secs = (x: number) => `${Math.round(x)}`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run bench:verify-live does).`);
  const chosen = SCENARIOS.filter((s) => ONLY.length === 0 || ONLY.includes(s.key));
  if (chosen.length === 0)
    throw new Error(`VERIFY_LIVE_ONLY=${ONLY.join(",")} names no scenario: use ${SCENARIOS.map((s) => s.key).join(", ")}.`);
  CONCURRENCY = Math.max(1, CONCURRENCY_SET ? Number(CONCURRENCY_SET) : Math.min(15, chosen.length * RUNS));
  say(
    `${chosen.length} scenario(s) × ${RUNS} run(s), ${CONCURRENCY} at once, at ${RATE} requests/s; real time (each run: a baseline of up to 10 min, then a watch of up to ${CAP_SECONDS / 60} min).`,
  );
  // Run 1 of every scenario first, so a stopped run still has a figure for each.
  const jobs: Array<() => Promise<RunResult>> = [];
  for (let run = 0; run < RUNS; run++) for (const s of chosen) jobs.push(() => runOne(s, SCENARIOS.indexOf(s), run));
  const results = await pool(jobs, CONCURRENCY);
  if (stopping) return; // stopped by a signal: no table from cut-short runs

  const header = "| scenario | runs | verdicts | median s from deploy | range s | bound s | baseline sampled s |";
  const rows = chosen.map((s) => {
    const rs = results.filter((r) => r && r.scenario === s);
    const counts = new Map<string, number>();
    for (const r of rs) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
    const verdicts = [...counts].map(([v, n]) => `${v} ${n}`).join(", ");
    const times = rs.filter((r) => r.seconds !== null && r.verdict !== "none" && r.verdict !== "error").map((r) => r.seconds!);
    const bases = rs.filter((r) => r.baselineSeconds !== null && Number.isFinite(r.baselineSeconds)).map((r) => r.baselineSeconds!);
    const range = times.length ? `${secs(Math.min(...times))}–${secs(Math.max(...times))}` : "·";
    const baseRange = bases.length ? `${secs(Math.min(...bases))}–${secs(Math.max(...bases))}` : "·";
    return `| ${s.label} (expect ${s.expect}) | ${rs.length} | ${verdicts} | ${times.length ? secs(median(times)) : "·"} | ${range} | ${boundSeconds(s).toFixed(0)} | ${baseRange} |`;
  });
  const notes = results.filter((r) => r?.note).map((r) => `- ${r.scenario.key} #${r.run + 1}: ${r.note}`);
  const table = [header, "|---|---|---|---|---|---|---|", ...rows].join("\n");
  console.log(table);
  for (const n of notes) console.log(n);

  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  const md = `# verify, live (\`npm run bench:verify-live\`)

The built CLI (\`dist/firebreak.js\`) against endpoints on 127.0.0.1 serving Prometheus text: two
counters (requests, bad requests) advanced every ${TICK_MS} ms by a seeded Poisson process at ${RATE}
requests/s, whose bad fraction changes at the deploy. Per run, in its own git sandbox:
\`firebreak verify --capture-baseline --no-incident\` (the automatic baseline), the deploy, then
\`firebreak verify --no-incident --since <deploy> --stop-at-verdict --json\`. The \`.firebreak.yml\`
names the scrape metric and nothing else: α = β = 1%, ×${RATIO}, tolerance 1, warm-up 60 s (5×
allowance), reads every 15 s, baseline 10 s then until the watch could catch ×${RATIO} (at most 600 s),
window 30 min. A watch without a verdict after ${CAP_SECONDS / 60} min is stopped and counted as "none".
Wall-clock time, no clock tricks; ${RUNS} run(s) per scenario, ${CONCURRENCY} at once, ${minutes} min in all.

${table}
${notes.length ? `\n${notes.join("\n")}\n` : ""}
- median and range: seconds from the deploy to the verdict, as verify counted them (reads fall
  every 15 s from the deploy, so times are multiples of about 15 s).
- bound: the information bound of src/verify/bound.ts (docs/verify-statistics.md) for the decision
  the scenario needs at ${RATE} req/s, α = β = 1%: a regression told apart from the pre-deploy rate;
  "verified" told apart from ×${RATIO} the pre-deploy rate (for the fix, 0.5% against 2 × 2%). It
  knows nothing of the warm-up (in which only a rate beyond 5× rolls back), the 15 s reads or the
  baseline's own noise, so no method reaches it here.
- baseline sampled: how long \`--capture-baseline\` sampled before it judged the baseline enough.
`;
  const file = join(here, "results", "verify-live.md");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, md);
  say(`done in ${minutes} min; wrote bench/results/verify-live.md`);
}

main().catch(async (e) => {
  console.error(e instanceof Error ? e.message : e);
  for (const c of children) c.kill("SIGKILL");
  for (const f of cleanups) await f();
  process.exit(1);
});
