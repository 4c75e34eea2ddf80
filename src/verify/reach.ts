// What a watch can see, said before the deploy: from the traffic and the baseline at hand, how soon
// a regression of the size that matters would be caught, and the smallest one caught within the
// window. The same arithmetic as the decision (decision.ts expectedPath), at counts that fall on
// their unlucky side, so "within ~3 min" holds in about 99 runs of 100 (bench/verify.ts checks it).

import { decisionModel, expectedPath, type DeciderOptions } from "./decision.js";
import { duration } from "./figures.js";

/** The multiples of the baseline the statement is made in. */
const RATIOS = [1.25, 1.5, 2, 3, 4, 5, 10] as const;

// The counts after the deploy at their unlucky 1% (2.33 standard deviations), and the baseline's
// at its unlucky 5%: the bench checks that a promised ×2 is caught in at least 99 runs of 100.
const PROMISE_Z = 2.33;
const BASELINE_Z = 1.645;

export interface Reach {
  /** requests (or seconds) per second behind the estimate */
  rate: number;
  /** the regression ratio (×2 by default) and the seconds from the deploy to catch it (Infinity: not in the window) */
  ratio: number;
  catchSeconds: number;
  /** the smallest multiple caught within the window, and when; null when none of RATIOS is */
  smallest: { ratio: number; seconds: number } | null;
  /** seconds from the deploy to "verified" when the rate is back at the baseline */
  verifySeconds: number;
  windowSeconds: number;
  /** the baseline, not the traffic, is what keeps ×ratio out of reach: a longer baseline would help */
  baselineLimits: boolean;
}

export function watchReach(opts: DeciderOptions, requestsPerSecond: number): Reach {
  const model = decisionModel(opts);
  const window = model.window;
  // The baseline is a sample too: when it came out high, a real ×k looks smaller. The promise
  // allows for a baseline at its unlucky 5% (its bad count 1.645 standard deviations high).
  const shrink = 1 / (1 + BASELINE_Z * Math.sqrt(model.phi / (Math.max(0, opts.baseline.bad) + 0.5)));
  const at = (k: number) => expectedPath(model, requestsPerSecond, k * shrink, PROMISE_Z).rollbackSeconds;
  const catchSeconds = at(model.ratio);
  let smallest: Reach["smallest"] = null;
  for (const k of RATIOS) {
    const t = at(k);
    if (t <= window) {
      smallest = { ratio: k, seconds: t };
      break;
    }
  }
  // Would a baseline a hundred times as long bring ×ratio within the window?
  const richer = decisionModel({
    ...opts,
    baseline: { ...opts.baseline, bad: opts.baseline.bad * 100 + 50, total: opts.baseline.total * 100 },
  });
  const baselineLimits = catchSeconds > window && expectedPath(richer, requestsPerSecond, model.ratio, PROMISE_Z).rollbackSeconds <= window;
  return {
    rate: requestsPerSecond,
    ratio: model.ratio,
    catchSeconds,
    smallest,
    verifySeconds: expectedPath(model, requestsPerSecond, 1, PROMISE_Z).verifySeconds,
    windowSeconds: window,
    baselineLimits,
  };
}

export const canCatch = (r: Reach): boolean => r.catchSeconds <= r.windowSeconds;

/**
 * A sampled baseline is long enough when, with it, a regression would be caught in the first half
 * of the window: a shorter one leaves the watch slow and its dispersion estimate rough.
 */
export const baselineEnough = (r: Reach): boolean => r.catchSeconds <= r.windowSeconds / 2;

const times = (k: number): string => `×${Number(k.toFixed(2))}`;

/** "can catch ×2 within ~2 min of the deploy; ×1.5 within ~7 min" or why not. */
export function describeReach(r: Reach): string {
  const win = duration(r.windowSeconds);
  if (canCatch(r)) {
    const smaller =
      r.smallest && r.smallest.ratio < r.ratio
        ? `; ${times(r.smallest.ratio)} within ~${duration(r.smallest.seconds)}`
        : `; nothing smaller within ${win}`;
    return `can catch ${times(r.ratio)} within ~${duration(r.catchSeconds)} of the deploy${smaller}`;
  }
  const why = r.baselineLimits ? "the baseline holds too few bad events to compare with" : "traffic is too low for any test to tell";
  const instead = r.smallest
    ? `; only ${times(r.smallest.ratio)} or more within ~${duration(r.smallest.seconds)}`
    : "; no regression up to ×10 either";
  return `cannot catch ${times(r.ratio)} within the ${win} window (${why})${instead}`;
}
