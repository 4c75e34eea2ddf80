// Verifying a deploy: the smoke tests, then the metrics watched against their baseline until the
// data allows a verdict (verified, regression) or the window ends (inconclusive). The verdict and
// its figures go on the record; a production verdict of "verified" marks the incident verified.
// A regression calls `onRegression` when verify.autoRollback is set for the incident's level.
//
// Baselines: Prometheus and Sentry keep history, so theirs is queried for the window before the
// deploy (or the incident). A /metrics page or a JSON endpoint shows only "now": captureBaseline()
// samples them before the deploy (ship calls it) and keeps the counts on the record.

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { WorkflowDeps } from "./deps.js";
import type { Incident, TimelineEvent } from "../domain/types.js";
import type { MetricConfig, VerifyConfig, VerifyEnvironment } from "../config/schema-verify.js";
import { FirebreakError } from "../errors.js";
import { latestDeploy, readDeploys, rollbackIsLive } from "../domain/deploys.js";
import { supersededBy } from "../ship/production-now.js";
import { redact, redactDeep } from "../redact.js";
import { resolveUrl } from "../verify/http.js";
import { runSmokeTests, smokeAppliesTo, smokeSummary, type SmokeResult } from "../verify/smoke.js";
import { createSource, metricAppliesTo } from "../verify/sources/create.js";
import type { MetricSource } from "../ports/metric-source.js";
import { baselineFromBuckets, baselineFromFraction, sampleBaseline } from "../verify/baseline-window.js";
import {
  afterWhat,
  watch,
  type MetricBaseline,
  type WatchedMetric,
  type WatchResult,
  type WatchSettings,
  type WatchView,
} from "../verify/watch.js";
import { duration, metricRecord, regressionReason, watchSummary, type MetricRecord } from "../verify/figures.js";
import { baselineEnough, canCatch, describeReach, watchReach, type Reach } from "../verify/reach.js";

export type VerifyOutcomeKind = "verified" | "regression" | "inconclusive";

/** What happened about a rollback after a regression. */
export type RollbackAction = "automatic" | "ask" | "disabled" | "unavailable" | "none";

export interface VerifyRequest {
  env: VerifyEnvironment;
  /** overrides verify.windowMinutes */
  windowMinutes?: number;
  /** overrides verify.keepWatching (false: stop at the first verdict, --stop-at-verdict) */
  keepWatching?: boolean;
  /**
   * With keepWatching: "verified" is on the record as soon as it is reached, and this is called
   * (the announcement can go) while the watch goes on to the window's end.
   */
  onVerified?: (early: VerifyOutcome) => Promise<void>;
  /** the deploy's time, when the record does not say (or to override it) */
  since?: Date;
  /** false: never roll back, whatever verify.autoRollback says (--no-rollback) */
  rollback?: boolean;
  /** runs the rollback (given a one-line reason); called only when verify.autoRollback is set for the incident's level */
  onRegression?: (summary: string) => Promise<void>;
  signal?: AbortSignal;
  onSmoke?: (r: SmokeResult) => void;
  onPlan?: (plan: WatchPlan) => void;
  onTick?: (view: WatchView) => void;
}

export interface WatchPlan {
  deployAt: Date;
  settings: WatchSettings;
  metrics: Array<{ name: string; describes: string; baseline: MetricBaseline; expectedSeconds?: number; reach?: Reach }>;
  /** sentences for people: low traffic, a deploy long ago… */
  notes: string[];
}

export interface VerifyOutcome {
  env: VerifyEnvironment;
  outcome: VerifyOutcomeKind;
  summary: string;
  /** one line for a rollback's reason: what regressed and by how much */
  reason: string;
  figures: string[];
  smoke: SmokeResult[];
  metrics: MetricRecord[];
  /** seconds after the deploy the verdict came (after the watch's start when `fromWatchStart`) */
  decidedAfterSeconds: number | null;
  /** The deploy was long ago: decidedAfterSeconds and the window count from the watch's start. */
  fromWatchStart?: boolean;
  rollback: RollbackAction;
  recorded: boolean;
  /** The verdict is about the version production went back to, after a rollback. */
  ofRollback?: boolean;
  /** The watch stopped early (inconclusive): every metric's last reads failed. Errors are redacted. */
  unreadable?: { failedReads: number; metrics: Array<{ name: string; error: string; config: string; url: string }> };
}

export interface CapturedBaseline {
  capturedAt: string;
  seconds: number;
  metrics: Record<string, MetricBaseline>;
}

interface EnvRecord {
  baseline?: CapturedBaseline;
  [k: string]: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function verificationOf(incident: Incident | null): Record<string, EnvRecord> {
  const v = incident?.data.verification;
  return isObj(v) ? (v as Record<string, EnvRecord>) : {};
}

/**
 * The latest deploy to `env` on the record: data.deploys (read by src/domain/deploys.ts, the one
 * reader every area uses), deploy.<env>.done events, and for production the rollbacks (a feature
 * flag turned off changes what runs without a deploy entry).
 */
export function deployTimeOf(incident: Incident, events: readonly TimelineEvent[], env: VerifyEnvironment): Date | null {
  const times = readDeploys(incident, events)
    .filter((d) => d.env === env && d.at)
    .map((d) => Date.parse(d.at!));
  for (const e of events)
    if (e.kind === `deploy.${env}.done` || (env === "production" && e.kind === "rollback.done")) times.push(Date.parse(e.at));
  const ok = times.filter(Number.isFinite);
  return ok.length ? new Date(Math.max(...ok)) : null;
}

export function settingsOf(cfg: VerifyConfig, windowMinutes?: number, keepWatching?: boolean): WatchSettings {
  return {
    alpha: cfg.alpha,
    beta: cfg.beta,
    tolerance: cfg.tolerance,
    regressionRatio: cfg.regressionRatio,
    warmupSeconds: cfg.warmupSeconds,
    warmupAllowance: cfg.warmupAllowance,
    windowSeconds: (windowMinutes ?? cfg.windowMinutes) * 60,
    intervalSeconds: cfg.intervalSeconds,
    keepWatching: keepWatching ?? cfg.keepWatching,
  };
}

const nothingToVerify = (env: VerifyEnvironment) =>
  new FirebreakError({
    code: "VERIFY_NOTHING",
    message: `Nothing to verify ${env} with: verify.smoke and verify.metrics have nothing for ${env}.`,
    next:
      env === "staging"
        ? 'add verify.baseUrl.staging and verify.smoke to .firebreak.yml (docs/verify.md has examples), then: firebreak verify --env staging   # or, checked by hand: firebreak confirm staging-verified --note "…"'
        : "add verify.smoke and verify.metrics to .firebreak.yml (docs/verify.md has examples), then: firebreak verify",
  });

// --- baselines -----------------------------------------------------------------------------

/** Where a standalone run (no incident) keeps the baseline it captured. */
async function baselineFile(app: WorkflowDeps, env: VerifyEnvironment): Promise<string> {
  const dir = join(await app.git.commonDir(), "firebreak");
  return join(dir, `verify-baseline-${env}.json`);
}

export async function readStandaloneBaseline(app: WorkflowDeps, env: VerifyEnvironment): Promise<CapturedBaseline | undefined> {
  try {
    return JSON.parse(await readFile(await baselineFile(app, env), "utf8")) as CapturedBaseline;
  } catch {
    return undefined;
  }
}

/**
 * Samples every scrape and json metric for `env` before a deploy and keeps the counts: on the
 * incident's record (verification.<env>.baseline, event verify.baseline), or without an incident in
 * .git/firebreak/verify-baseline-<env>.json. It samples at least verify.baselineSeconds, then on
 * until the baseline is enough for the watch to catch a regressionRatio× regression within its
 * window, or verify.baselineMaxSeconds have passed.
 * Prometheus and Sentry metrics need nothing here: their baseline is queried from their history.
 * A metric that could not be sampled at all is an error: a deploy without its baseline could not
 * be verified afterwards, when it is too late to take one.
 */
export async function captureBaseline(
  app: WorkflowDeps,
  incident: Incident | null,
  env: VerifyEnvironment,
  opts: { progress?: (msg: string) => void } = {},
): Promise<CapturedBaseline> {
  const cfg = (await app.config()).verify;
  const wanted = cfg.metrics
    .map((m, i) => [m, i] as const)
    .filter(([m]) => metricAppliesTo(m, env) && (m.source === "scrape" || m.source === "json"));
  const startedAt = app.clock.now();
  const settings = settingsOf(cfg);
  const captured: CapturedBaseline = { capturedAt: startedAt.toISOString(), seconds: cfg.baselineSeconds, metrics: {} };
  if (wanted.length === 0) return captured;
  const maxSeconds = Math.max(cfg.baselineSeconds, cfg.baselineMaxSeconds);
  opts.progress?.(
    `Sampling ${wanted.map(([m]) => m.name).join(", ")} before the deploy: at least ${duration(cfg.baselineSeconds)}, until the watch could catch a ${settings.regressionRatio}× regression (at most ${duration(maxSeconds)})…`,
  );
  const failures: string[] = [];
  const results = await Promise.all(
    wanted.map(async ([m, i]) => {
      const src = createSource(m, i, { env, baseUrl: cfg.baseUrl[env], processEnv: app.env, deployAt: new Date() });
      if (src.kind !== "cumulative") return null;
      let told = 0;
      try {
        const b = await sampleBaseline(src, {
          minSeconds: cfg.baselineSeconds,
          maxSeconds,
          intervalSeconds: Math.min(cfg.intervalSeconds, cfg.baselineSeconds),
          enough: (x) => {
            const r = reachOf(x, settings, wanted.length);
            return r !== null && baselineEnough(r);
          },
          // A line a minute while it waits, so a person sees it is not stuck.
          onProgress: (x, sec) => {
            if (sec - told < 60 || !x) return;
            told = sec;
            const r = reachOf(x, settings, wanted.length);
            opts.progress?.(`  ${m.name}: ${duration(sec)} sampled, ${describeBaseline(x)}${r ? `; the watch ${describeReach(r)}` : ""}`);
          },
        });
        return [m.name, b] as const;
      } catch (e) {
        if (e instanceof FirebreakError) throw e;
        failures.push(`${m.name} (${metricUrl(m, cfg.baseUrl[env])}): ${redact((e as Error).message)}`);
        return null;
      }
    }),
  );
  for (const r of results) if (r) captured.metrics[r[0]] = r[1];
  if (failures.length)
    throw new FirebreakError({
      code: "VERIFY_BASELINE_FAILED",
      message: `No baseline could be sampled for ${failures.length === 1 ? "a metric" : `${failures.length} metrics`} on ${env}: nothing it showed before the deploy can be compared with.`,
      next: `check that the source answers, then run the same command again (or set verify.metrics[].baseline.fraction to compare with an objective)`,
      details: failures,
    });
  captured.seconds = Math.max(...Object.values(captured.metrics).map((b) => b.seconds));
  return keepBaseline(app, incident, env, captured, "");
}

/**
 * Keeps a sampled baseline: on the incident's record (verification.<env>.baseline, event
 * verify.baseline, with what the watch could catch with it), or without an incident in
 * .git/firebreak/verify-baseline-<env>.json. `how`: words for where it was sampled.
 */
export async function keepBaseline(
  app: WorkflowDeps,
  incident: Incident | null,
  env: VerifyEnvironment,
  captured: CapturedBaseline,
  how: string,
): Promise<CapturedBaseline> {
  const settings = settingsOf((await app.config()).verify);
  const names = Object.keys(captured.metrics);
  const reach = names.map((n) => [n, reachOf(captured.metrics[n]!, settings, names.length)] as const);
  const summary = `baseline for ${env} sampled${how ? ` ${how}` : ""} over ${duration(captured.seconds)}: ${names
    .map((n) => {
      const r = reach.find(([x]) => x === n)?.[1];
      return `${n} ${describeBaseline(captured.metrics[n]!)}${r ? ` (the watch ${describeReach(r)})` : ""}`;
    })
    .join(", ")}`;
  if (incident) {
    const store = await app.store();
    const fresh = (await store.getIncident(incident.id)) ?? incident;
    const all = verificationOf(fresh);
    const verification = { ...all, [env]: { ...(all[env] ?? {}), baseline: captured } };
    await store.updateIncident(
      incident.id,
      { data: { verification: redactDeep(verification) } },
      {
        at: app.clock.now().toISOString(),
        actor: await app.actor(),
        kind: "verify.baseline",
        data: { env, summary, metrics: captured.metrics },
      },
    );
  } else if (await app.git.isRepo()) {
    const file = await baselineFile(app, env);
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(file, JSON.stringify(captured, null, 2) + "\n");
  }
  return captured;
}

/** Seconds from the end of a captured baseline's sampling to the deploy (0 when it ended after it). */
export function baselineAgeSeconds(c: CapturedBaseline, deployAt: Date): number {
  const end = Date.parse(c.capturedAt) + c.seconds * 1000;
  return Number.isFinite(end) ? Math.max(0, (deployAt.getTime() - end) / 1000) : 0;
}

function describeBaseline(b: MetricBaseline): string {
  const perMin = (b.bad / Math.max(1e-9, b.seconds)) * 60;
  const rate = `${perMin >= 10 ? Math.round(perMin) : Number(perMin.toPrecision(2))}/min`;
  return b.how === "fraction"
    ? `${(b.bad / b.total) * 100}% (configured)`
    : `${rate} of ${Math.round(b.total)} ${b.total === b.seconds ? "seconds" : "requests"}`;
}

/** A source whose every read fails with `why`: what the watch sees of a metric it cannot judge. */
function unreadableSource(src: MetricSource, why: string): MetricSource {
  const fail = async (): Promise<never> => {
    throw new Error(why);
  };
  return src.kind === "windowed"
    ? { kind: "windowed", exposure: src.exposure, describes: src.describes, window: fail }
    : { kind: "cumulative", exposure: src.exposure, describes: src.describes, read: fail, between: (a, b) => src.between(a, b) };
}

export async function baselineFor(
  m: MetricConfig,
  index: number,
  src: MetricSource,
  ctx: {
    captured?: CapturedBaseline;
    deployAt: Date;
    deployedAt: Date;
    discoveredAt?: Date;
    intervalSeconds: number;
    wallOffsetMs: number;
    maxAgeMinutes: number;
  },
): Promise<MetricBaseline> {
  const captured = ctx.captured?.metrics[m.name];
  if (captured && ctx.captured) {
    // A baseline from long before the deploy describes another time of day, another traffic mix.
    const age = baselineAgeSeconds(ctx.captured, ctx.deployedAt);
    if (age > ctx.maxAgeMinutes * 60)
      throw new FirebreakError({
        code: "VERIFY_STALE_BASELINE",
        message: `${m.name}: the baseline was sampled ${duration(age)} before the deploy (at ${ctx.captured.capturedAt}), more than verify.baselineMaxAgeMinutes (${ctx.maxAgeMinutes} min): it is not compared with.`,
        next: `before the next deploy: firebreak verify --capture-baseline   # or set verify.metrics[${index}].baseline.fraction (e.g. 0.001)`,
      });
  }
  if (captured && src.kind === "cumulative" && !src.history) return captured;
  if (src.history) {
    const end = m.baseline.before === "incident" && ctx.discoveredAt ? ctx.discoveredAt : ctx.deployAt;
    const to = new Date(end.getTime() + ctx.wallOffsetMs);
    const from = new Date(to.getTime() - m.baseline.minutes * 60_000);
    const buckets = await src.history(from, to, ctx.intervalSeconds);
    const b = baselineFromBuckets(buckets, (to.getTime() - from.getTime()) / 1000, "history", src.exposure);
    if (b.total > 0) return b;
    if (m.baseline.fraction === undefined)
      throw new FirebreakError({
        code: "VERIFY_NO_BASELINE",
        message: `${m.name}: the ${m.baseline.minutes} min before the ${m.baseline.before} have no ${src.exposure === "requests" ? "requests" : "data"} in ${m.source}.`,
        next: `check verify.metrics[${index}]'s queries, widen baseline.minutes, or set baseline.fraction (e.g. 0.001)`,
      });
  }
  if (m.baseline.fraction !== undefined) return baselineFromFraction(m.baseline.fraction);
  if (captured) return captured;
  throw new FirebreakError({
    code: "VERIFY_NO_BASELINE",
    message: `${m.name}: nothing was measured before the deploy to compare with (a ${m.source} source has no history).`,
    why: "ship samples scrape and json metrics just before it deploys; this deploy was made without that.",
    next: `before the next deploy run: firebreak verify --capture-baseline   # or set verify.metrics[${index}].baseline.fraction (e.g. 0.001)`,
  });
}

/**
 * What the watch can see with this baseline: traffic from the baseline itself (requests per
 * second, or 1 for per-second metrics). A configured fraction says nothing about traffic: null.
 */
export function reachOf(b: MetricBaseline, settings: WatchSettings, metricCount: number): Reach | null {
  if (b.how === "fraction" || !(b.seconds > 0) || !(b.total > 0)) return null;
  const opts = {
    baseline: { bad: b.bad, total: b.total, seconds: b.seconds, dispersion: b.dispersion },
    alpha: settings.alpha / Math.max(1, metricCount),
    beta: settings.beta,
    regressionRatio: settings.regressionRatio,
    tolerance: settings.tolerance,
    warmupSeconds: settings.warmupSeconds,
    ...(settings.warmupAllowance !== undefined ? { warmupAllowance: settings.warmupAllowance } : {}),
    maxWindowSeconds: settings.windowSeconds,
  };
  return watchReach(opts, b.total / b.seconds);
}

// --- the run -------------------------------------------------------------------------------

/** Where a metric is read, for a person to check (a path is put after verify.baseUrl.<env>). */
export function metricUrl(m: MetricConfig, baseUrl: string | undefined): string {
  try {
    return redact(resolveUrl(m.url, baseUrl, m.name));
  } catch {
    return m.url;
  }
}

/** The version a rollback put back: the latest rollback on the record, or its deploy. */
function rolledBackVersion(incident: Incident, events: readonly TimelineEvent[]): string | undefined {
  const rollbacks = incident.data.rollbacks;
  const last = Array.isArray(rollbacks) ? rollbacks[rollbacks.length - 1] : undefined;
  if (isObj(last) && typeof last.version === "string" && last.version) return last.version;
  const d = latestDeploy(incident, events, "production");
  return d?.purpose === "rollback" ? d.what : undefined;
}

/** The first words of a verdict on the version production went back to. */
function rollbackVerdict(outcome: VerifyOutcomeKind, version: string | undefined): string {
  const what = `the rolled-back version${version ? ` ${version}` : ""}`;
  if (outcome === "verified") return `${what} is healthy (the fix itself was rolled back and still needs another try)`;
  if (outcome === "regression") return `${what} is not healthy either`;
  return `${what}: no verdict yet`;
}

/** Points kept per metric: enough for a chart's line, small enough for the record. */
const SERIES_POINTS = 120;

/**
 * Each metric's bad events per minute since the warm-up, tick by tick: the review (and the
 * dashboard) draw it against the baseline. Halved in density whenever it outgrows SERIES_POINTS.
 */
function seriesCollector() {
  const series = new Map<string, Array<[number, number]>>();
  let limits: { tolerance: number; regressionRatio: number } | null = null;
  const collectSeries = (view: WatchView) => {
    limits = { tolerance: view.settings.tolerance, regressionRatio: view.settings.regressionRatio };
    for (const m of view.metrics) {
      if (m.rate.after === null) continue;
      const pts = series.get(m.name) ?? [];
      pts.push([Math.round(view.elapsed * 10) / 10, Number((m.rate.after * 60).toPrecision(4))]);
      series.set(m.name, pts.length > SERIES_POINTS ? pts.filter((_, i) => i % 2 === 1) : pts);
    }
  };
  const withSeries = (m: MetricRecord): MetricRecord =>
    series.get(m.name)?.length ? { ...m, series: series.get(m.name)!.slice(), ...(limits ? { limits } : {}) } : m;
  return { collectSeries, withSeries };
}

/** What is done about a regression, decided before the verdict is recorded so the record says it. */
export function rollbackAction(o: {
  outcome: VerifyOutcomeKind;
  ofRollback: boolean;
  /** Production runs another incident's newer deploy: rolling this one back would go back over it. */
  superseded?: boolean;
  allowed: boolean | undefined;
  autoRollback: boolean;
  canRunRollback: boolean;
}): RollbackAction {
  if (o.outcome !== "regression") return "none";
  // A regression after a rollback is about the version production went back to: a person decides.
  if (o.ofRollback) return "ask";
  if (o.allowed === false) return "disabled";
  // Production runs a newer incident's release: the regression may be its own, a person decides.
  if (o.superseded) return "ask";
  if (o.autoRollback) return o.canRunRollback ? "automatic" : "unavailable";
  return "ask";
}

interface WatchContext {
  cfg: VerifyConfig;
  env: VerifyEnvironment;
  processEnv: NodeJS.ProcessEnv;
  /** The deploy on wall time, as the sources count. */
  wallDeploy: Date;
  captured: CapturedBaseline | undefined;
  deployAt: Date;
  deployedAt: Date;
  incident: Incident | null;
  settings: WatchSettings;
  wallOffsetMs: number;
  /** Sentences for people; a metric whose history cannot be read says so here. */
  notes: string[];
}

/** Each watched metric with its source and its "before": the baseline the watch compares with. */
async function watchedMetrics(metricIdx: ReadonlyArray<readonly [MetricConfig, number]>, c: WatchContext): Promise<WatchedMetric[]> {
  const watched: WatchedMetric[] = [];
  for (const [m, i] of metricIdx) {
    let source = createSource(m, i, { env: c.env, baseUrl: c.cfg.baseUrl[c.env], processEnv: c.processEnv, deployAt: c.wallDeploy });
    let baseline: MetricBaseline;
    try {
      baseline = await baselineFor(m, i, source, {
        captured: c.captured,
        deployAt: c.deployAt,
        deployedAt: c.deployedAt,
        discoveredAt: c.incident ? new Date(c.incident.discoveredAt) : undefined,
        intervalSeconds: c.settings.intervalSeconds,
        wallOffsetMs: c.wallOffsetMs,
        maxAgeMinutes: c.cfg.baselineMaxAgeMinutes,
      });
    } catch (e) {
      if (e instanceof FirebreakError) throw e; // a configuration problem
      // Its history could not be read (Sentry answered 500, Prometheus was down): this metric
      // cannot be judged in this watch. Its reads count as failed, like any unreadable source,
      // so a watch where nothing can be read ends early as inconclusive, on the record.
      const why = `its baseline could not be read: ${(e as Error).message}`;
      c.notes.push(`${m.name}: ${why}.`);
      baseline = baselineFromFraction(m.baseline.fraction ?? 0.01);
      source = unreadableSource(source, why);
    }
    watched.push({ name: m.name, source, baseline });
  }
  return watched;
}

/** What the watch will look at and what it could catch, before it starts: shown to people, kept as data. */
function watchPlan(
  watched: WatchedMetric[],
  c: Pick<WatchContext, "deployAt" | "deployedAt" | "settings" | "captured" | "notes">,
): WatchPlan {
  const { notes, settings, captured } = c;
  const plan: WatchPlan = { deployAt: c.deployAt, settings, metrics: [], notes };
  if (captured && watched.some((w) => w.baseline.how === "captured"))
    notes.push(
      `The sampled baseline ended ${duration(baselineAgeSeconds(captured, c.deployedAt))} before the deploy (sampled for ${duration(captured.seconds)}).`,
    );
  for (const w of watched) {
    const reach = reachOf(w.baseline, settings, watched.length);
    plan.metrics.push({
      name: w.name,
      describes: w.source.describes,
      baseline: w.baseline,
      ...(reach ? { reach, expectedSeconds: reach.catchSeconds } : {}),
    });
    if (reach)
      notes.push(
        `${w.name}: ${describeReach(reach)}${canCatch(reach) ? "" : '; expect "inconclusive" unless the change is large (more traffic, smoke traffic, a longer baseline or --window helps)'}.`,
      );
  }
  return plan;
}

export async function verifyDeploy(app: WorkflowDeps, incident: Incident | null, req: VerifyRequest): Promise<VerifyOutcome> {
  const { collectSeries, withSeries } = seriesCollector();
  const cfg = (await app.config()).verify;
  const env = req.env;
  const smokeTests = cfg.smoke.filter((t) => smokeAppliesTo(t, env));
  const metricIdx = cfg.metrics.map((m, i) => [m, i] as const).filter(([m]) => metricAppliesTo(m, env));
  if (smokeTests.length === 0 && metricIdx.length === 0) throw nothingToVerify(env);

  const store = incident ? await app.store() : null;
  const actor = await app.actor();
  const events = incident && store ? await store.timeline(incident.id) : [];
  const clockNow = app.clock.now();
  // The record's times are on the app clock (FIREBREAK_NOW may shift it); sources speak wall time.
  const wallOffsetMs = Date.now() - clockNow.getTime();
  // After a rollback, production runs the version it went back to: the verdict is about that
  // version, not the fix, so it neither verifies the incident nor rolls back a second time.
  const current = incident && store ? ((await store.getIncident(incident.id)) ?? incident) : incident;
  const ofRollback = env === "production" && current !== null && rollbackIsLive(current, events);
  const rolledBackTo = ofRollback && current ? rolledBackVersion(current, events) : undefined;
  // Another incident deployed to production since this one: a regression seen now may be its
  // doing, and rolling this one back would go back over it. A person decides (ship/production-now.ts).
  const shipped = env === "production" && !ofRollback && current ? latestDeploy(current, events, "production")?.what : undefined;
  const newer = shipped && current && store ? supersededBy(current, shipped, await store.listIncidents({ all: true })) : null;
  const recordedDeploy = current ? deployTimeOf(current, events, env) : null;
  let deployAt = req.since ?? recordedDeploy ?? clockNow;
  // The deploy itself, even when the watch starts later: a baseline's age is counted to it.
  const deployedAt = deployAt;
  const settings = settingsOf(cfg, req.windowMinutes, req.keepWatching);
  const notes: string[] = [];
  if (!req.since && !recordedDeploy) notes.push(`No ${env} deploy on the record: counting from now.`);
  const sinceDeploy = (clockNow.getTime() - deployAt.getTime()) / 1000;
  if (sinceDeploy >= settings.windowSeconds) {
    notes.push(
      `The deploy was ${duration(sinceDeploy)} ago, past its warm-up: watching the next ${duration(settings.windowSeconds)} from now.`,
    );
    deployAt = clockNow;
    settings.warmupSeconds = 0;
    settings.fromWatchStart = true;
  }

  // 1. Smoke tests: a failure is a verdict on its own; the metrics are not watched.
  const smoke = await runSmokeTests(smokeTests, { env, baseUrl: cfg.baseUrl[env], processEnv: app.env, onResult: req.onSmoke });
  if (smoke.length && incident && store)
    await store.appendEvent(incident.id, {
      at: app.clock.now().toISOString(),
      actor,
      kind: "verify.smoke",
      data: redactDeep({ env, summary: `${env}: ${smokeSummary(smoke)}`, passed: smoke.every((r) => r.ok), results: smoke }),
    });
  const smokeFailed = smoke.filter((r) => !r.ok);

  // "verified" reached early and recorded while the watch went on (keepWatching).
  let earlyRecorded = false;

  // A watch's result in words: the summary for the record, the one-line reason, the figures.
  const concludeWatch = (r: WatchResult) => {
    let summary = `${env}: ${watchSummary(r)}`;
    let reason = r.outcome === "regression" ? `${env} regression: ${regressionReason(r)}` : `${env} ${r.outcome}`;
    if (req.signal?.aborted && r.outcome === "inconclusive") summary = `${env}: interrupted before a verdict. ${watchSummary(r)}`;
    let unreadable: VerifyOutcome["unreadable"];
    // Unreadable sources after "verified" end the watch early; the verdict stands.
    if (r.unreadable && r.outcome !== "verified") {
      const byName = new Map(
        metricIdx.map(([m, i]) => [m.name, { config: `verify.metrics[${i}]`, url: metricUrl(m, cfg.baseUrl[env]) }] as const),
      );
      unreadable = {
        failedReads: r.unreadable.failedReads,
        metrics: r.unreadable.errors.map((e) => ({ ...e, ...(byName.get(e.name) ?? { config: "verify.metrics", url: "" }) })),
      };
      reason = `${env} inconclusive: no metric could be read (${r.unreadable.errors.map((e) => `${e.name}: ${e.error}`).join("; ")})`;
    }
    if (earlyRecorded && r.outcome === "verified" && req.signal?.aborted)
      summary += `; the watch after it was stopped by hand ${duration(r.view.elapsed)} ${afterWhat(settings)}`;
    if (smoke.length) summary += ` (${smokeSummary(smoke)})`;
    if (ofRollback) summary = `${rollbackVerdict(r.outcome, rolledBackTo)}: ${summary}`;
    const metrics = r.view.metrics.map((m) => withSeries(metricRecord(m)));
    return {
      summary,
      reason,
      figures: metrics.map((m) => m.figure),
      metrics,
      decidedAfterSeconds: Math.round(r.decidedAt),
      ...(unreadable ? { unreadable } : {}),
    };
  };

  // The verdict on the record. After an early "verified" (keepWatching), the end of the watch is a
  // second entry: `watched` when it stayed healthy, or the regression or withdrawal that came later,
  // which also takes the incident back from verified to shipped.
  const record = async (r: {
    outcome: VerifyOutcomeKind;
    summary: string;
    reason?: string;
    figures: string[];
    metrics: MetricRecord[];
    decidedAfterSeconds: number | null;
    rollback: RollbackAction;
    unreadable?: VerifyOutcome["unreadable"];
  }): Promise<boolean> => {
    if (!incident || !store) return false;
    const fresh = (await store.getIncident(incident.id)) ?? incident;
    const all = verificationOf(fresh);
    const at = app.clock.now().toISOString();
    const watchedOn = earlyRecorded && r.outcome === "verified";
    const entry = {
      ...(all[env] ?? {}),
      outcome: r.outcome,
      at,
      deployAt: deployAt.toISOString(),
      summary: r.summary,
      figures: r.figures,
      metrics: r.metrics,
      smoke: { passed: smoke.filter((x) => x.ok).length, failed: smokeFailed.length, results: smoke },
      decidedAfterSeconds: r.decidedAfterSeconds,
      windowMinutes: settings.windowSeconds / 60,
      rollback: r.rollback,
      ...(earlyRecorded ? { watchedUntil: at } : {}),
      ...(r.unreadable ? { unreadable: r.unreadable } : {}),
    };
    const data = redactDeep({
      env,
      summary: r.summary,
      figures: r.figures,
      metrics: r.metrics,
      smoke: smokeSummary(smoke),
      decidedAfterSeconds: r.decidedAfterSeconds,
      rollback: r.rollback,
      ...(r.unreadable ? { unreadable: r.unreadable } : {}),
    });
    const slot = ofRollback ? "rollback" : env;
    const ownsStatus = env === "production" && !ofRollback;
    // A resolved incident (people told) stays resolved when it is verified again.
    const status =
      ownsStatus && r.outcome === "verified" && !watchedOn && fresh.status !== "resolved"
        ? ("verified" as const)
        : ownsStatus && earlyRecorded && r.outcome !== "verified" && (fresh.status === "verified" || fresh.status === "resolved")
          ? ("shipped" as const)
          : undefined;
    await store.updateIncident(
      incident.id,
      { ...(status ? { status } : {}), data: { verification: redactDeep({ ...all, [slot]: entry }) } },
      { at, actor, kind: `verify.${slot}.${watchedOn ? "watched" : r.outcome}`, data },
    );
    return true;
  };

  let result: WatchResult | null = null;
  let summary: string;
  let reason: string;
  let outcome: VerifyOutcomeKind;
  let decidedAfterSeconds: number | null = null;
  let unreadable: VerifyOutcome["unreadable"];
  if (smokeFailed.length) {
    outcome = "regression";
    summary = `smoke test${smokeFailed.length === 1 ? "" : "s"} failed on ${env}: ${smokeFailed.map((r) => `${r.name} (${r.reason})`).join("; ")}`;
    reason = `${env} smoke test${smokeFailed.length === 1 ? "" : "s"} failed: ${smokeFailed.map((r) => r.name).join(", ")}`;
  } else if (metricIdx.length === 0) {
    outcome = "verified";
    summary = `${smokeSummary(smoke)} on ${env}; no metrics configured to watch`;
    reason = summary;
  } else {
    // 2. Metrics: sources, baselines, then the watch.
    const captured = verificationOf(incident)[env]?.baseline ?? (incident ? undefined : await readStandaloneBaseline(app, env));
    const wallDeploy = new Date(deployAt.getTime() + wallOffsetMs);
    const watched = await watchedMetrics(metricIdx, {
      cfg,
      env,
      processEnv: app.env,
      wallDeploy,
      captured,
      deployAt,
      deployedAt,
      incident,
      settings,
      wallOffsetMs,
      notes,
    });
    const plan = watchPlan(watched, { deployAt, deployedAt, settings, captured, notes });
    req.onPlan?.(plan);
    // "verified" goes on the record (and to people) when it is reached; the watch goes on.
    const onVerified = async (early: WatchResult): Promise<void> => {
      const v = concludeWatch(early);
      earlyRecorded = await record({ ...v, outcome: "verified", rollback: "none" });
      await req.onVerified?.({
        env,
        ...v,
        outcome: "verified",
        smoke,
        rollback: "none",
        recorded: earlyRecorded,
        ...(settings.fromWatchStart ? { fromWatchStart: true } : {}),
        ...(ofRollback ? { ofRollback } : {}),
      });
    };
    const onTick = (view: WatchView) => {
      collectSeries(view);
      req.onTick?.(view);
    };
    result = await watch({
      settings,
      metrics: watched,
      deployAt: wallDeploy,
      signal: req.signal,
      onTick,
      ...(settings.keepWatching ? { onVerified } : {}),
    });
    const v = concludeWatch(result);
    outcome = result.outcome;
    ({ decidedAfterSeconds, summary, reason } = v);
    if (v.unreadable) unreadable = v.unreadable;
  }

  if (ofRollback && result === null) summary = `${rollbackVerdict(outcome, rolledBackTo)}: ${summary}`;
  const metrics = result ? result.view.metrics.map((m) => withSeries(metricRecord(m))) : [];
  const figures = metrics.map((m) => m.figure);

  // 3. Rollback, decided before recording so the record says what was done about it.
  const rollback = rollbackAction({
    outcome,
    ofRollback,
    superseded: newer !== null,
    allowed: req.rollback,
    autoRollback: incident !== null && Boolean(cfg.autoRollback[incident.priority]),
    canRunRollback: req.onRegression !== undefined,
  });

  if (newer && outcome === "regression")
    summary += `; not rolled back automatically: production now runs ${newer.version} from ${newer.ticket}`;
  const recorded = await record({
    outcome,
    summary,
    reason,
    figures,
    metrics,
    decidedAfterSeconds,
    rollback,
    ...(unreadable ? { unreadable } : {}),
  });
  if (rollback === "automatic") await req.onRegression!(reason);
  return {
    env,
    outcome,
    summary,
    reason,
    figures,
    smoke,
    metrics,
    decidedAfterSeconds,
    ...(settings.fromWatchStart ? { fromWatchStart: true } : {}),
    rollback,
    recorded,
    ...(ofRollback ? { ofRollback } : {}),
    ...(unreadable ? { unreadable: redactDeep(unreadable) } : {}),
  };
}
