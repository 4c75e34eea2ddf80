// What the watch after a deploy will be able to see, worked out before the deploy: each metric's
// baseline as it stands now (history for Prometheus and Sentry, the sampled one for scrape and
// json) and what a watch with it can catch (verify/reach.ts). `verify --plan`, `ship --dry-run`
// and the deploy gate show it; at a level where a regression rolls back by itself, a watch that
// could not catch one is a gate item, not a silent "inconclusive" half an hour later.

import type { WorkflowDeps } from "./deps.js";
import type { Incident } from "../domain/types.js";
import type { VerifyEnvironment } from "../config/schema-verify.js";
import { FirebreakError } from "../errors.js";
import { redact } from "../redact.js";
import { createSource, metricAppliesTo } from "../verify/sources/create.js";
import { baselineEnough, canCatch, describeReach, type Reach } from "../verify/reach.js";
import type { MetricBaseline, WatchSettings } from "../verify/watch.js";
import { duration } from "../verify/figures.js";
import {
  baselineAgeSeconds,
  baselineFor,
  captureBaseline,
  keepBaseline,
  readStandaloneBaseline,
  reachOf,
  settingsOf,
  verificationOf,
  type CapturedBaseline,
} from "./verify.js";

export interface MetricPlan {
  name: string;
  source: string;
  baseline: MetricBaseline | null;
  reach: Reach | null;
  /** one line for people: what it can catch, or why nothing can be said yet */
  says: string;
  /** true when a watch with this baseline would catch a regressionRatio× regression within its window */
  canCatch: boolean;
  /** the command that would make it able to (sample a baseline), when one would */
  fix?: string;
}

export interface VerifyPlan {
  env: VerifyEnvironment;
  settings: WatchSettings;
  metrics: MetricPlan[];
}

const sampled = (source: string): boolean => source === "scrape" || source === "json";

/** What the background sampler has read so far, as a captured baseline (app clock), if anything. */
async function fromSampler(app: WorkflowDeps, env: VerifyEnvironment, now: Date): Promise<CapturedBaseline | undefined> {
  const { sampledBaselines } = await import("./baseline-sampler.js");
  const b = await sampledBaselines(app, env, Date.now());
  if (!b) return undefined;
  const seconds = Math.max(...Object.values(b.baselines).map((x) => x.seconds));
  return { capturedAt: new Date(now.getTime() - seconds * 1000).toISOString(), seconds, metrics: b.baselines };
}

/** The plan for a deploy made now, with the baselines at hand. Reads the sources; writes nothing. */
export async function planWatch(app: WorkflowDeps, incident: Incident | null, env: VerifyEnvironment): Promise<VerifyPlan> {
  const cfg = (await app.config()).verify;
  const settings = settingsOf(cfg);
  const metrics = cfg.metrics.map((m, i) => [m, i] as const).filter(([m]) => metricAppliesTo(m, env));
  const fresh = incident ? ((await (await app.store()).getIncident(incident.id)) ?? incident) : null;
  const now = app.clock.now();
  const captured =
    verificationOf(fresh)[env]?.baseline ?? (incident ? await fromSampler(app, env, now) : await readStandaloneBaseline(app, env));
  const wallOffsetMs = Date.now() - now.getTime();
  const out: MetricPlan[] = [];
  for (const [m, i] of metrics) {
    const source = createSource(m, i, {
      env,
      baseUrl: cfg.baseUrl[env],
      processEnv: app.env,
      deployAt: new Date(now.getTime() + wallOffsetMs),
    });
    let baseline: MetricBaseline | null = null;
    let problem: string | undefined;
    try {
      baseline = await baselineFor(m, i, source, {
        ...(captured ? { captured } : {}),
        deployAt: now,
        deployedAt: now,
        ...(fresh ? { discoveredAt: new Date(fresh.discoveredAt) } : {}),
        intervalSeconds: settings.intervalSeconds,
        wallOffsetMs,
        maxAgeMinutes: cfg.baselineMaxAgeMinutes,
      });
    } catch (e) {
      problem = e instanceof FirebreakError ? e.message : `its history could not be read: ${redact((e as Error).message)}`;
    }
    const reach = baseline ? reachOf(baseline, settings, metrics.length) : null;
    const capture = `firebreak verify --capture-baseline${env === "staging" ? " --env staging" : ""}`;
    if (!baseline) {
      const notYet = sampled(m.source) && !captured;
      out.push({
        name: m.name,
        source: m.source,
        baseline: null,
        reach: null,
        says: notYet ? "no baseline sampled yet (ship samples one before it merges)" : (problem ?? "no baseline"),
        canCatch: false,
        ...(sampled(m.source) ? { fix: capture } : {}),
      });
      continue;
    }
    if (!reach) {
      out.push({
        name: m.name,
        source: m.source,
        baseline,
        reach: null,
        says: "compared with a configured fraction: how soon depends on the traffic the watch sees",
        canCatch: true,
      });
      continue;
    }
    const longer = sampled(m.source) && reach.baselineLimits;
    out.push({
      name: m.name,
      source: m.source,
      baseline,
      reach,
      says: `${describeReach(reach)} (baseline: ${baseline.how} over ${duration(baseline.seconds)})`,
      canCatch: canCatch(reach),
      ...(longer ? { fix: capture } : {}),
    });
  }
  return { env, settings, metrics: out };
}

/**
 * The baseline for `env`, sampled unless one fresh enough is on the record: ship calls it before
 * the gate (so the gate can say what the watch will see) and again just before the deploy. What
 * the background sampler read (started by pr) is used when it is enough for the watch; then, or
 * after sampling here, the sampler is stopped.
 */
export async function ensureBaseline(
  app: WorkflowDeps,
  incident: Incident,
  env: VerifyEnvironment,
  o: { maxAgeSeconds: number; progress?: (msg: string) => void },
): Promise<CapturedBaseline | null> {
  const cfg = (await app.config()).verify;
  const needed = cfg.metrics.some((m) => metricAppliesTo(m, env) && sampled(m.source));
  if (!needed) return null;
  const fresh = (await (await app.store()).getIncident(incident.id)) ?? incident;
  const have = verificationOf(fresh)[env]?.baseline;
  if (have && baselineAgeSeconds(have, app.clock.now()) <= o.maxAgeSeconds) return have;
  const sampler = await import("./baseline-sampler.js");
  try {
    const background = await sampler.sampledBaselines(app, env, Date.now());
    if (background) {
      const settings = settingsOf(cfg);
      const names = Object.keys(background.baselines);
      const enough = names.every((n) => {
        const r = reachOf(background.baselines[n]!, settings, names.length);
        return r !== null && baselineEnough(r);
      });
      if (enough) {
        const seconds = Math.max(...names.map((n) => background.baselines[n]!.seconds));
        const start = new Date(Date.now() - seconds * 1000 - (Date.now() - app.clock.now().getTime()));
        o.progress?.(`Using the ${env} baseline sampled in the background over the last ${duration(seconds)}.`);
        return await keepBaseline(
          app,
          fresh,
          env,
          { capturedAt: start.toISOString(), seconds, metrics: background.baselines },
          "in the background",
        );
      }
    }
    return await captureBaseline(app, fresh, env, o.progress ? { progress: o.progress } : {});
  } finally {
    await sampler.stopSampler(app, env);
  }
}
