// Today's practice, for the benchmark to compare against on the same streams.
// Both skip the same warm-up as the engine, so the comparison is about the test, not the delay.

import type { Outcome, Sample } from "./decision.js";

export interface Rule {
  observe(sample: Sample): Outcome;
  /** seconds since the deploy when the outcome was reached */
  decidedAt(): number | undefined;
}

export interface RuleBaseline {
  bad: number;
  total: number;
  dispersion?: number;
}

/**
 * Watch a fixed window, then one one-sided z-test on ln(rate ratio) at level α (or β), allowing
 * for the baseline's own noise and the dispersion: the "look at the dashboard for 15 minutes" rule.
 */
export function fixedWindowRule(opts: {
  baseline: RuleBaseline;
  windowSeconds?: number;
  warmupSeconds?: number;
  tolerance?: number;
  regressionRatio?: number;
  zAlpha?: number; // 2.326 = one-sided 1%
  zBeta?: number;
}): Rule {
  const window = opts.windowSeconds ?? 900;
  const warmup = opts.warmupSeconds ?? 60;
  const tol = opts.tolerance ?? 1;
  const ratio = opts.regressionRatio ?? 2;
  const zA = opts.zAlpha ?? 2.326;
  const zB = opts.zBeta ?? 2.326;
  const b0 = opts.baseline.bad + 0.5;
  const p0 = b0 / Math.max(1, opts.baseline.total);
  const phi = Math.max(1, opts.baseline.dispersion ?? 1);
  let last = 0;
  let s = 0;
  let n = 0;
  let outcome: Outcome = "pending";
  let at: number | undefined;
  return {
    observe({ t, bad, total }) {
      if (outcome !== "pending" || !(t > last)) return outcome;
      const start = last;
      last = t;
      if (start < warmup) return outcome;
      s += bad;
      n += total;
      if (t < warmup + window) return outcome;
      const logRatio = Math.log((s + 0.5) / (p0 * n));
      const sd = Math.sqrt(phi * (1 / (s + 0.5) + 1 / b0));
      if ((logRatio - Math.log(tol)) / sd > zA) outcome = "regression";
      else if ((Math.log(ratio) - logRatio) / sd > zB) outcome = "verified";
      else outcome = "inconclusive";
      at = t;
      return outcome;
    },
    decidedAt: () => at,
  };
}

/**
 * Argo Rollouts' analysis as commonly configured: every `intervalSeconds` one measurement (the bad
 * fraction over that interval) fails when it exceeds threshold × baseline; the analysis fails when
 * failures exceed `failureLimit`, and succeeds after `count` measurements otherwise.
 */
export function argoRule(opts: {
  baseline: RuleBaseline;
  intervalSeconds?: number;
  threshold?: number;
  failureLimit?: number;
  count?: number;
  warmupSeconds?: number;
}): Rule {
  const every = opts.intervalSeconds ?? 60;
  const threshold = opts.threshold ?? 1.5;
  const limit = opts.failureLimit ?? 3;
  const count = opts.count ?? 10;
  const warmup = opts.warmupSeconds ?? 60;
  const p0 = (opts.baseline.bad + 0.5) / Math.max(1, opts.baseline.total);
  let last = 0;
  let next = warmup + every;
  let s = 0;
  let n = 0;
  let measured = 0;
  let failures = 0;
  let outcome: Outcome = "pending";
  let at: number | undefined;
  return {
    observe({ t, bad, total }) {
      if (outcome !== "pending" || !(t > last)) return outcome;
      const start = last;
      last = t;
      if (start < warmup) return outcome;
      s += bad;
      n += total;
      if (t < next) return outcome;
      // A measurement covers whatever arrived since the previous one (a missing scrape widens it).
      if (n > 0) {
        measured++;
        if (s / n > threshold * p0) failures++;
      }
      s = 0;
      n = 0;
      while (next <= t) next += every;
      if (failures > limit) outcome = "regression";
      else if (measured >= count) outcome = "verified";
      if (outcome !== "pending") at = t;
      return outcome;
    },
    decidedAt: () => at,
  };
}
