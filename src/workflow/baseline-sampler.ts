// The baseline sampled in the background. A /metrics page or a JSON endpoint shows only "now", so
// what production looked like before the deploy has to be read before the deploy. Sampling it at
// ship time costs minutes at low traffic; so `firebreak pr` (or `verify --capture-baseline
// --background`) starts a small process that reads those metrics every interval and appends the
// readings to .git/firebreak/sampler/<env>.jsonl. ship takes its baseline from them (the last
// baseline.minutes) and stops it.
//
// The process stops by itself: when ship stops it (its pid file is removed), when its repository is
// gone, or after SAMPLER_MAX_MINUTES. It reads, and writes only its own files: nothing it does
// changes the world, so it needs no journal.

import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { appendFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { WorkflowDeps } from "./deps.js";
import type { VerifyEnvironment, MetricConfig } from "../config/schema-verify.js";
import { createSource, metricAppliesTo } from "../verify/sources/create.js";
import type { Counts, CumulativeSource, Reading } from "../ports/metric-source.js";
import { baselineFromBuckets } from "../verify/baseline-window.js";
import type { MetricBaseline } from "../verify/watch.js";

/** The longest a background sampler runs: a fix that takes longer gets its baseline at ship time. */
export const SAMPLER_MAX_MINUTES = 120;

interface PidFile {
  pid: number;
  host: string;
  startedAt: string;
}

interface Line {
  /** wall-clock ms */
  at: number;
  metric: string;
  reading: Array<[string, Array<[string, number]>]>;
}

const sampled = (m: MetricConfig): boolean => m.source === "scrape" || m.source === "json";

async function files(app: WorkflowDeps, env: VerifyEnvironment) {
  const dir = join(await app.git.commonDir(), "firebreak", "sampler");
  return { dir, pid: join(dir, `${env}.pid`), data: join(dir, `${env}.jsonl`), log: join(dir, `${env}.log`) };
}

async function readPid(file: string): Promise<PidFile | null> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as PidFile;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The metrics of `env` that need a sampled baseline (scrape and json). */
async function wantedMetrics(app: WorkflowDeps, env: VerifyEnvironment) {
  const cfg = (await app.config()).verify;
  return cfg.metrics.map((m, i) => [m, i] as const).filter(([m]) => metricAppliesTo(m, env) && sampled(m));
}

export interface SamplerState {
  running: boolean;
  pid?: number;
}

/**
 * Starts the background sampler for `env` unless one runs or nothing needs one. `cli` is the
 * firebreak program to run (the running one's entry file); without it nothing is started.
 */
export async function startSampler(
  app: WorkflowDeps,
  env: VerifyEnvironment,
  cli: string | undefined,
): Promise<SamplerState & { started: boolean }> {
  if ((await wantedMetrics(app, env)).length === 0 || !cli || !existsSync(cli)) return { running: false, started: false };
  const f = await files(app, env);
  const held = await readPid(f.pid);
  if (held && held.host === hostname() && alive(held.pid)) return { running: true, pid: held.pid, started: false };
  await mkdir(f.dir, { recursive: true });
  const log = openSync(f.log, "a", 0o600);
  try {
    // Detached, in a group of its own, with no terminal: a dropped SSH session does not stop it,
    // and it stops itself (see runSampler).
    const child = spawn(process.execPath, [cli, "verify", "--run-sampler", "--env", env], {
      cwd: await app.git.topLevel(),
      detached: true,
      stdio: ["ignore", log, log],
      env: process.env,
    });
    child.unref();
    // The sampler writes its own pid file (claim), so two never run for one environment.
    return child.pid ? { running: true, pid: child.pid, started: true } : { running: false, started: false };
  } finally {
    closeSync(log);
  }
}

/** Stops the sampler for `env` (its pid file is removed; the process sees that, or gets SIGTERM). */
export async function stopSampler(app: WorkflowDeps, env: VerifyEnvironment): Promise<void> {
  const f = await files(app, env);
  const held = await readPid(f.pid);
  await rm(f.pid, { force: true });
  if (held && held.host === hostname() && alive(held.pid)) {
    try {
      process.kill(held.pid, "SIGTERM");
    } catch {
      /* gone already */
    }
  }
}

/** Writes this process's pid file; false when another live sampler holds it. */
async function claim(file: string): Promise<boolean> {
  const mine: PidFile = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, JSON.stringify(mine) + "\n", { mode: 0o600, flag: "wx" });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const held = await readPid(file);
      if (held && held.host === hostname() && alive(held.pid)) return false;
      await rm(file, { force: true }); // a sampler that died: its file is stale
    }
  }
  return false;
}

const encode = (r: Reading): Line["reading"] => [...r].map(([stream, series]) => [stream, [...series]]);
const decode = (r: Line["reading"]): Reading => new Map(r.map(([stream, series]) => [stream, new Map(series)]));

/**
 * The sampler's own loop (`firebreak verify --run-sampler`): reads every sampled metric each
 * interval and appends the readings, until stopped, its repository is gone, or the time is up.
 */
export async function runSampler(
  app: WorkflowDeps,
  env: VerifyEnvironment,
  o: { signal?: AbortSignal; now?: () => number } = {},
): Promise<void> {
  const now = o.now ?? Date.now;
  const cfg = (await app.config()).verify;
  const f = await files(app, env);
  const wanted = await wantedMetrics(app, env);
  const sources = wanted.flatMap(([m, i]) => {
    const src = createSource(m, i, { env, baseUrl: cfg.baseUrl[env], processEnv: app.env, deployAt: new Date() });
    return src.kind === "cumulative" ? [[m.name, src] as const] : [];
  });
  if (!(await claim(f.pid))) return;
  const began = now();
  const keepMs = Math.max(...wanted.map(([m]) => m.baseline.minutes), 30) * 60_000;
  let written = 0;
  while (!o.signal?.aborted && now() - began < SAMPLER_MAX_MINUTES * 60_000) {
    const mine = await readPid(f.pid);
    if (!mine || mine.pid !== process.pid || !existsSync(f.dir)) return;
    const lines: string[] = [];
    for (const [name, src] of sources) {
      try {
        lines.push(JSON.stringify({ at: now(), metric: name, reading: encode(await src.read()) } satisfies Line));
      } catch {
        // A failed read is a missing scrape: the next one covers the gap.
      }
    }
    if (lines.length) await appendFile(f.data, lines.join("\n") + "\n", { mode: 0o600 });
    // Now and then, forget what is older than any baseline window.
    if (++written % 50 === 0) await prune(f.data, now() - keepMs);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, cfg.intervalSeconds * 1000);
      o.signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
    });
  }
  if ((await readPid(f.pid))?.pid === process.pid) await rm(f.pid, { force: true });
}

async function readLines(file: string): Promise<Line[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return [];
  }
  const out: Line[] = [];
  for (const l of text.split("\n")) {
    if (!l.trim()) continue;
    try {
      out.push(JSON.parse(l) as Line);
    } catch {
      // A line cut by a kill mid-write: the others stand.
    }
  }
  return out;
}

async function prune(file: string, olderThan: number): Promise<void> {
  const keep = (await readLines(file)).filter((l) => l.at >= olderThan);
  await writeFile(file + ".tmp", keep.map((l) => JSON.stringify(l)).join("\n") + (keep.length ? "\n" : ""), { mode: 0o600 });
  await rename(file + ".tmp", file);
}

/**
 * Each sampled metric's baseline from the background readings in the `baseline.minutes` before
 * `until` (wall clock), with when the readings began; null for a metric with fewer than two.
 */
export async function sampledBaselines(
  app: WorkflowDeps,
  env: VerifyEnvironment,
  until: number,
): Promise<{ baselines: Record<string, MetricBaseline>; since: number } | null> {
  const cfg = (await app.config()).verify;
  const wanted = await wantedMetrics(app, env);
  if (wanted.length === 0) return null;
  const lines = await readLines((await files(app, env)).data);
  const baselines: Record<string, MetricBaseline> = {};
  let since = Infinity;
  for (const [m, i] of wanted) {
    const src = createSource(m, i, { env, baseUrl: cfg.baseUrl[env], processEnv: app.env, deployAt: new Date(until) });
    if (src.kind !== "cumulative") continue;
    const from = until - m.baseline.minutes * 60_000;
    const mine = lines.filter((l) => l.metric === m.name && l.at >= from && l.at <= until).sort((a, b) => a.at - b.at);
    if (mine.length < 2) return null;
    const buckets = countsBetween(src, mine);
    const seconds = (mine[mine.length - 1]!.at - mine[0]!.at) / 1000;
    baselines[m.name] = baselineFromBuckets(buckets, seconds, "captured", src.exposure);
    since = Math.min(since, mine[0]!.at);
  }
  return { baselines, since };
}

function countsBetween(src: CumulativeSource, lines: Line[]): Counts[] {
  const out: Counts[] = [];
  for (let k = 1; k < lines.length; k++) {
    const c = src.between(decode(lines[k - 1]!.reading), decode(lines[k]!.reading));
    out.push(src.exposure === "seconds" ? { ...c, total: (lines[k]!.at - lines[k - 1]!.at) / 1000 } : c);
  }
  return out;
}

export async function samplerState(app: WorkflowDeps, env: VerifyEnvironment): Promise<SamplerState> {
  const held = await readPid((await files(app, env)).pid);
  return held && held.host === hostname() && alive(held.pid) ? { running: true, pid: held.pid } : { running: false };
}

/**
 * Stops every background sampler of the repository whose shared .git folder is `gitCommonDir`, at
 * once and without the store: for a sandbox or a test that is being removed.
 */
export function stopSamplersIn(gitCommonDir: string): number {
  const dir = join(gitCommonDir, "firebreak", "sampler");
  let stopped = 0;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".pid"));
  } catch {
    return 0;
  }
  for (const n of names) {
    try {
      const held = JSON.parse(readFileSync(join(dir, n), "utf8")) as PidFile;
      rmSync(join(dir, n), { force: true });
      if (held.host === hostname() && alive(held.pid)) {
        process.kill(held.pid, "SIGTERM");
        stopped++;
      }
    } catch {
      // unreadable or gone: nothing to stop
    }
  }
  return stopped;
}
