// The sequential decision for one metric after a deploy: bad events out of requests, compared
// with the baseline's bad fraction through the Gamma-mixture confidence sequence (mixture.ts).
//
// Two one-sided questions share one indifference zone [tolerance, regressionRatio]:
// - regression: the rate is confidently above tolerance × baseline (false rollbacks ≤ α);
// - verified:   the rate is confidently below regressionRatio × baseline (missed regressions ≤ β).
// A "verified" verdict does not end the watch: a regression that begins later (a leak, a cache
// that expires) is caught by tests restarted every `restartEverySeconds`, which get a share of α.
// At low traffic those tests can run out of window before they are sure; so when the watch reaches
// the window's end, a "verified" verdict is checked once more against the data since it was given
// and withdrawn (inconclusive, for a person to judge) if the rate since leans toward a regression (withdrawAbove).

import { DEFAULT_PRIOR, logMixtureRatio, mixtureInterval, type GammaPrior } from "./mixture.js";
import { REGRESSION_PRIOR, VERIFIED_PRIOR } from "./priors.js";
import type { DecisionSeconds } from "./bound.js";

export type Outcome = "regression" | "verified" | "pending" | "inconclusive";

export interface Baseline {
  bad: number;
  total: number;
  seconds: number;
  /** variance/mean of bad counts per scrape interval (estimateDispersion); 1 = Poisson */
  dispersion?: number;
}

export interface DeciderOptions {
  /** probability of a false rollback over the whole window */
  alpha?: number;
  /** probability of calling a regression of regressionRatio × or more "verified" */
  beta?: number;
  /** a rate up to tolerance × baseline counts as back to baseline: it is never rolled back */
  tolerance?: number;
  /** the smallest multiple of the baseline that must not pass as verified */
  regressionRatio?: number;
  /**
   * Seconds after the deploy in which a rate up to `warmupAllowance` × the baseline is not a
   * regression (cold caches, connections being made). Its data still count toward "verified",
   * and a regression beyond the allowance still rolls back during it: time counts from the deploy.
   */
  warmupSeconds?: number;
  /** the multiple of the baseline a warm-up may reach without a rollback (default 5) */
  warmupAllowance?: number;
  maxWindowSeconds?: number;
  baseline: Baseline;
  /** mixing distributions over the ratio: one for each question, and one for the shown interval */
  priors?: { regression?: GammaPrior; verified?: GammaPrior; interval?: GammaPrior };
  /** how often a fresh regression test starts, for regressions that begin late */
  restartEverySeconds?: number;
  /** the share of α kept by the test that starts at the warm-up's end */
  primaryShare?: number;
}

/**
 * The rate since "verified" that withdraws the verdict at the window's end, as a multiple of the
 * baseline: 0.9 × the log-mean of the tolerance and the regression ratio, (k − 1)/ln k for
 * k = ratio/tolerance, which is 1.30 for 2×. At the log-mean itself the data since the verdict are
 * as likely under a regression as under the baseline; the 10% below it is a margin for the rate
 * being an estimate against an estimated baseline, set with bench:verify: the late 2× regression at
 * 5 req/s goes from 4.2% missed to 0.4%, and good fixes at 5 req/s lose about 3 points of
 * "verified" (none at 50 req/s). It is one comparison at one moment, and it only turns
 * "verified" into "inconclusive" for a person to judge, never into a rollback.
 */
export function withdrawAbove(tolerance: number, ratio: number): number {
  const k = ratio / tolerance;
  return (0.9 * tolerance * (k - 1)) / Math.log(k);
}

/** Why a "verified" verdict was taken back at the window's end. */
export interface Withdrawal {
  /** seconds since the deploy: the verdict, then the end of the data checked */
  verifiedAt: number;
  at: number;
  /** bad events over the baseline's expectation since the verdict */
  ratioSince: number;
}

export interface Sample {
  /** seconds since the deploy, at the end of the interval this sample covers */
  t: number;
  /** bad events since the previous sample */
  bad: number;
  /** requests since the previous sample */
  total: number;
}

export interface DecisionState {
  outcome: Outcome;
  /** post-deploy bad fraction over the baseline's */
  ratioEstimate: number;
  /** anytime-valid interval for the ratio at level α */
  interval: [number, number];
  /** ln Λ at the tolerance (toward regression) and at the regression ratio (toward verified) */
  evidence: { towardRegression: number; towardVerified: number };
  /** the evidence each verdict needs, on the same log scale */
  thresholds: { regression: number; verified: number };
  /** seconds since the deploy of the latest sample */
  elapsed: number;
  /** when the current outcome was first reached (seconds since the deploy) */
  decidedAt?: number;
  verifiedAt?: number;
  /** set when the window ended with the rate risen since "verified" (the outcome is then inconclusive) */
  withdrawn?: Withdrawal;
  /** seconds since the deploy by which a decision is expected at the traffic seen so far */
  expectedSecondsToDecide?: number;
  /** the same estimate, split by verdict, in seconds after the warm-up */
  timeToDecide?: DecisionSeconds;
  /** samples ignored: inside the warm-up, out of order, or after the window */
  ignoredSamples: number;
  /** post-deploy counts used (after the warm-up) */
  counts: { bad: number; total: number; expectedBad: number };
}

export interface Decider {
  /** feed one sample; returns the outcome after it */
  observe(sample: Sample): Outcome;
  state(): DecisionState;
}

interface Snapshot {
  s: number;
  n: number;
}

/**
 * The tests' fixed parts, shared by the decider and by the estimate of what a watch can see
 * (reach.ts), so the estimate is the same arithmetic as the decision.
 */
export interface DecisionModel {
  alpha: number;
  beta: number;
  tolerance: number;
  ratio: number;
  warmup: number;
  allowance: number;
  window: number;
  every: number;
  /** the baseline's bad fraction, with half an event of prior */
  p0: number;
  phi: number;
  restarts: number;
  /** the evidence each test needs (ln 1/its share of α or β) */
  levels: { primary: number; restart: number; warmup: number; verified: number };
  priors: { regression: GammaPrior; verified: GammaPrior; interval: GammaPrior; warmup: GammaPrior };
  /** ln Λ(θ0) for s bad events where m were expected, allowing for the baseline's own noise */
  evidenceAt(s: number, m: number, theta0: number, prior: GammaPrior): number;
}

// α is shared: the test from the warm-up's end keeps `primaryShare` (0.8), the warm-up's test
// (rates beyond the allowance) a twentieth, and the restarted tests (late regressions) the rest.
const WARMUP_SHARE = 0.05;

export function decisionModel(opts: DeciderOptions): DecisionModel {
  const alpha = opts.alpha ?? 0.01;
  const beta = opts.beta ?? 0.01;
  const tolerance = opts.tolerance ?? 1;
  const ratio = opts.regressionRatio ?? 2;
  const warmup = opts.warmupSeconds ?? 60;
  const allowance = Math.max(1, opts.warmupAllowance ?? 5);
  const window = opts.maxWindowSeconds ?? 1800;
  const every = opts.restartEverySeconds ?? 60;
  const primaryShare = opts.primaryShare ?? 0.8;
  if (!(alpha > 0 && alpha < 1 && beta > 0 && beta < 1)) throw new RangeError("alpha and beta must lie in (0, 1)");
  if (!(tolerance > 0 && ratio > tolerance)) throw new RangeError("need 0 < tolerance < regressionRatio");
  const { baseline } = opts;
  // Half an event of prior keeps a quiet baseline (0 errors) from making every error look infinite.
  const baselineBad = Math.max(0, baseline.bad) + 0.5;
  const p0 = baselineBad / Math.max(1, baseline.total);
  const phi = Math.max(1, baseline.dispersion ?? 1);

  // Restarted tests: one every `every` seconds after the first, with equal shares of the rest of α.
  const restarts = Math.max(0, Math.floor((window - warmup) / every) - 1);
  const warmupShare = warmup > 0 ? WARMUP_SHARE : 0;
  const primaryShareUsed = restarts === 0 ? 1 - warmupShare : primaryShare;
  const levels = {
    primary: Math.log(1 / (alpha * primaryShareUsed)),
    restart: restarts === 0 ? Infinity : Math.log(restarts / (alpha * (1 - warmupShare - primaryShareUsed))),
    warmup: warmupShare > 0 ? Math.log(1 / (alpha * warmupShare)) : Infinity,
    // Two "verified" tests, each with half of β: one on every sample since the deploy (no dead
    // time), one on the samples after the warm-up (a warm-up spike does not hold it back).
    verified: Math.log(2 / beta),
  };
  const regression = opts.priors?.regression ?? REGRESSION_PRIOR;
  // The warm-up's test looks for rates beyond the allowance: the same shape, centred twice as far out.
  const warmupPrior: GammaPrior = { shape: regression.shape, rate: regression.rate / allowance };

  // The baseline is an estimate too: its variance adds to the new window's. Scaling the counts by
  // 1 / (φ · (1 + θ0·M/B0)) matches the variance of ln(rate ratio), φ·(1/(θ0·M) + 1/B0).
  const scale = (m: number, theta0: number): number => 1 / (phi * (1 + (theta0 * m) / baselineBad));
  const evidenceAt = (s: number, m: number, theta0: number, prior: GammaPrior): number => {
    const c = scale(m, theta0);
    return logMixtureRatio(s * c, m * c, theta0, prior);
  };
  return {
    alpha,
    beta,
    tolerance,
    ratio,
    warmup,
    allowance,
    window,
    every,
    p0,
    phi,
    restarts,
    levels,
    priors: {
      regression,
      verified: opts.priors?.verified ?? VERIFIED_PRIOR,
      interval: opts.priors?.interval ?? DEFAULT_PRIOR,
      warmup: warmupPrior,
    },
    evidenceAt,
  };
}

export function createDecider(opts: DeciderOptions): Decider {
  const model = decisionModel(opts);
  const { tolerance, ratio, warmup, allowance, window, every, p0, phi, restarts, levels, priors, evidenceAt } = model;
  const withdrawLine = withdrawAbove(tolerance, ratio);

  let lastT = 0;
  // s, n: bad events and requests after the warm-up (the regression tests);
  // all: everything since the deploy (the "verified" test); early: inside the warm-up.
  let s = 0;
  let n = 0;
  const all = { s: 0, n: 0 };
  const early = { s: 0, n: 0 };
  let ignored = 0;
  let outcome: Outcome = "pending";
  let decidedAt: number | undefined;
  let verifiedAt: number | undefined;
  let nextRestart = warmup + every;
  let atVerified: Snapshot | undefined;
  let withdrawn: Withdrawal | undefined;
  const snapshots: Snapshot[] = [];

  const observe = (sample: Sample): Outcome => {
    const { t } = sample;
    if (!(t > lastT) || outcome === "regression" || outcome === "inconclusive") {
      ignored++;
      return outcome;
    }
    const start = lastT;
    lastT = t;
    if (start >= window || !(sample.total >= 0) || !(sample.bad >= 0)) {
      ignored++;
      return finishIfDue(t);
    }
    all.s += sample.bad;
    all.n += sample.total;
    if (start < warmup) {
      // Inside the warm-up (a sample that overlaps its end counts as inside: its cold-cache errors
      // cannot be split out), only a rate beyond the allowance is a regression.
      early.s += sample.bad;
      early.n += sample.total;
      const m = p0 * early.n;
      const theta0 = allowance * tolerance;
      if (early.s > theta0 * m && evidenceAt(early.s, m, theta0, priors.warmup) >= levels.warmup) return decide("regression", t);
      return checkVerified(t);
    }
    while (start >= nextRestart && nextRestart < window) {
      if (snapshots.length < restarts) snapshots.push({ s, n });
      nextRestart += every;
    }
    s += sample.bad;
    n += sample.total;
    const m = p0 * n;
    if (s > tolerance * m && evidenceAt(s, m, tolerance, priors.regression) >= levels.primary) return decide("regression", t);
    // The restarted tests' ratios summed are a martingale with mean `restarts`, so Ville's inequality
    // holds for the sum (Shiryaev–Roberts); it beats a union bound when several starts follow a change.
    // Leaving out a term only lowers the sum, so starts with no excess of bad events are skipped.
    let sum = 0;
    for (const snap of snapshots) {
      const ds = s - snap.s;
      const dm = p0 * (n - snap.n);
      if (ds > tolerance * dm) sum += Math.exp(evidenceAt(ds, dm, tolerance, priors.regression) - levels.restart);
    }
    if (sum >= 1) return decide("regression", t);
    return checkVerified(t);
  };

  // "Verified" from every sample since the deploy (a regression present from the deploy is in
  // them too), or from the samples after the warm-up, whichever is sure first.
  const towardVerified = (c: Snapshot): number =>
    c.n > 0 && c.s < ratio * p0 * c.n ? evidenceAt(c.s, p0 * c.n, ratio, priors.verified) : 0;
  const checkVerified = (t: number): Outcome => {
    if (outcome === "pending" && Math.max(towardVerified(all), towardVerified({ s, n })) >= levels.verified) {
      verifiedAt = t;
      atVerified = { s: all.s, n: all.n };
      return decide("verified", t);
    }
    return finishIfDue(t);
  };

  const decide = (o: Outcome, t: number): Outcome => {
    outcome = o;
    decidedAt = t;
    return o;
  };

  const finishIfDue = (t: number): Outcome => {
    if (t >= window && outcome === "pending") return decide("inconclusive", t);
    if (t >= window && outcome === "verified" && atVerified) {
      // Half an event keeps a short stretch with none from reading as "nothing can be said".
      const since = (all.s - atVerified.s + 0.5) / Math.max(1e-9, p0 * (all.n - atVerified.n));
      atVerified = undefined; // once, at the end
      if (since > withdrawLine) {
        withdrawn = { verifiedAt: verifiedAt ?? t, at: t, ratioSince: since };
        return decide("inconclusive", t);
      }
    }
    return outcome;
  };

  const state = (): DecisionState => {
    // The figures shown are the data after the warm-up once there are some, else since the deploy.
    const shown = n > 0 ? { s, n } : all;
    const m = p0 * shown.n;
    const c = 1 / (phi * (1 + m / (Math.max(0, opts.baseline.bad) + 0.5)));
    const interval = mixtureInterval(shown.s * c, m * c, model.alpha, priors.interval);
    const rate = all.n > 0 && lastT > 0 ? all.n / lastT : opts.baseline.total / Math.max(1, opts.baseline.seconds);
    const reach = rate > 0 ? expectedPath(model, rate) : undefined;
    return {
      outcome,
      ratioEstimate: m > 0 ? shown.s / m : Number.NaN,
      interval,
      evidence: {
        towardRegression: s > tolerance * p0 * n ? evidenceAt(s, p0 * n, tolerance, priors.regression) : 0,
        towardVerified: Math.max(towardVerified(all), towardVerified({ s, n })),
      },
      thresholds: { regression: levels.primary, verified: levels.verified },
      elapsed: lastT,
      ...(decidedAt === undefined ? {} : { decidedAt }),
      ...(verifiedAt === undefined ? {} : { verifiedAt }),
      ...(withdrawn ? { withdrawn } : {}),
      ...(reach === undefined
        ? {}
        : {
            timeToDecide: reach,
            expectedSecondsToDecide: Math.max(reach.rollbackSeconds, reach.verifySeconds),
          }),
      ignoredSamples: ignored,
      counts: { bad: all.s, total: all.n, expectedBad: p0 * all.n },
    };
  };

  return { observe, state };
}

/**
 * Seconds since the deploy at which the counts reach each verdict: "verified" when the rate is the
 * baseline's, "regression" when it is `k` × (default: the regression ratio). `z` = 0 follows the
 * mean counts (about the median time); z = 1.645 follows counts at their unlucky 5% (about the 95th
 * percentile), which is what a promise to people should use. The baseline's size is in it: a short
 * baseline caps the evidence any watch can gather, and then the answer is Infinity.
 */
export function expectedPath(model: DecisionModel, requestsPerSecond: number, k = model.ratio, z = 0): DecisionSeconds {
  const { p0, phi, tolerance, ratio, warmup, allowance, window, levels, priors, evidenceAt } = model;
  const limit = Math.max(window, 1) * 4; // look past the window so "needs 45 min" can be said
  const step = Math.max(1, limit / 4000);
  const at = (test: (t: number) => boolean): number => {
    for (let t = step; t <= limit; t += step) if (test(t)) return t;
    return Infinity;
  };
  const low = (mean: number): number => Math.max(0, mean - z * Math.sqrt(phi * mean));
  const high = (mean: number): number => mean + z * Math.sqrt(phi * mean);
  const lambda = p0 * requestsPerSecond;
  const verifySeconds = at((t) => {
    const m = lambda * t;
    const s = high(m);
    return s < ratio * m && evidenceAt(s, m, ratio, priors.verified) >= levels.verified;
  });
  const rollbackSeconds = at((t) => {
    const theta0 = allowance * tolerance;
    const mw = lambda * Math.min(t, warmup);
    const sw = low(k * mw);
    if (sw > theta0 * mw && evidenceAt(sw, mw, theta0, priors.warmup) >= levels.warmup) return true;
    const m = lambda * Math.max(0, t - warmup);
    const s = low(k * m);
    return m > 0 && s > tolerance * m && evidenceAt(s, m, tolerance, priors.regression) >= levels.primary;
  });
  return { rollbackSeconds, verifySeconds };
}
