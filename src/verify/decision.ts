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
import { timeToDecideEstimate, type DecisionSeconds } from "./bound.js";

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
  warmupSeconds?: number;
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

export function createDecider(opts: DeciderOptions): Decider {
  const alpha = opts.alpha ?? 0.01;
  const beta = opts.beta ?? 0.01;
  const tolerance = opts.tolerance ?? 1;
  const ratio = opts.regressionRatio ?? 2;
  const warmup = opts.warmupSeconds ?? 60;
  const window = opts.maxWindowSeconds ?? 1800;
  const regressionPrior = opts.priors?.regression ?? REGRESSION_PRIOR;
  const verifiedPrior = opts.priors?.verified ?? VERIFIED_PRIOR;
  const intervalPrior = opts.priors?.interval ?? DEFAULT_PRIOR;
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
  const primaryShareUsed = restarts === 0 ? 1 : primaryShare;
  const primaryLevel = Math.log(1 / (alpha * primaryShareUsed));
  const restartLevel = restarts === 0 ? Infinity : Math.log(restarts / (alpha * (1 - primaryShareUsed)));
  const verifiedLevel = Math.log(1 / beta);
  const withdrawLine = withdrawAbove(tolerance, ratio);

  // The baseline is an estimate too: its variance adds to the new window's. Scaling the counts by
  // 1 / (φ · (1 + θ0·M/B0)) matches the variance of ln(rate ratio), φ·(1/(θ0·M) + 1/B0).
  const scale = (m: number, theta0: number): number => 1 / (phi * (1 + (theta0 * m) / baselineBad));
  const evidenceAt = (s: number, m: number, theta0: number, prior: GammaPrior): number => {
    const c = scale(m, theta0);
    return logMixtureRatio(s * c, m * c, theta0, prior);
  };

  let lastT = 0;
  let s = 0;
  let n = 0;
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
    // A sample that overlaps the warm-up is dropped whole: its cold-cache errors cannot be split out.
    if (start < warmup || start >= window || !(sample.total >= 0) || !(sample.bad >= 0)) {
      ignored++;
      return finishIfDue(t);
    }
    while (start >= nextRestart && nextRestart < window) {
      if (snapshots.length < restarts) snapshots.push({ s, n });
      nextRestart += every;
    }
    s += sample.bad;
    n += sample.total;
    const m = p0 * n;
    if (s > tolerance * m && evidenceAt(s, m, tolerance, regressionPrior) >= primaryLevel) return decide("regression", t);
    // The restarted tests' ratios summed are a martingale with mean `restarts`, so Ville's inequality
    // holds for the sum (Shiryaev–Roberts); it beats a union bound when several starts follow a change.
    // Leaving out a term only lowers the sum, so starts with no excess of bad events are skipped.
    let sum = 0;
    for (const snap of snapshots) {
      const ds = s - snap.s;
      const dm = p0 * (n - snap.n);
      if (ds > tolerance * dm) sum += Math.exp(evidenceAt(ds, dm, tolerance, regressionPrior) - restartLevel);
    }
    if (sum >= 1) return decide("regression", t);
    if (outcome === "pending" && s < ratio * m && evidenceAt(s, m, ratio, verifiedPrior) >= verifiedLevel) {
      verifiedAt = t;
      atVerified = { s, n };
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
      const since = (s - atVerified.s + 0.5) / Math.max(1e-9, p0 * (n - atVerified.n));
      atVerified = undefined; // once, at the end
      if (since > withdrawLine) {
        withdrawn = { verifiedAt: verifiedAt ?? t, at: t, ratioSince: since };
        return decide("inconclusive", t);
      }
    }
    return outcome;
  };


  const state = (): DecisionState => {
    const m = p0 * n;
    const c = scale(m, 1);
    const interval = mixtureInterval(s * c, m * c, alpha, intervalPrior);
    const dataSeconds = Math.max(0, lastT - warmup);
    const rate = n > 0 && dataSeconds > 0 ? n / dataSeconds : baseline.total / Math.max(1, baseline.seconds);
    const timeToDecide =
      rate > 0 ? timeToDecideEstimate({ rate, p0, k: ratio, alpha, beta, dispersion: phi }) : undefined;
    return {
      outcome,
      ratioEstimate: m > 0 ? s / m : Number.NaN,
      interval,
      evidence: {
        towardRegression: s > tolerance * m ? evidenceAt(s, m, tolerance, regressionPrior) : 0,
        towardVerified: s < ratio * m ? evidenceAt(s, m, ratio, verifiedPrior) : 0,
      },
      thresholds: { regression: primaryLevel, verified: verifiedLevel },
      elapsed: lastT,
      ...(decidedAt === undefined ? {} : { decidedAt }),
      ...(verifiedAt === undefined ? {} : { verifiedAt }),
      ...(withdrawn ? { withdrawn } : {}),
      ...(timeToDecide === undefined
        ? {}
        : {
            timeToDecide,
            expectedSecondsToDecide: warmup + Math.max(timeToDecide.rollbackSeconds, timeToDecide.verifySeconds),
          }),
      ignoredSamples: ignored,
      counts: { bad: s, total: n, expectedBad: m },
    };
  };

  return { observe, state };
}
