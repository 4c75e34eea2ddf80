// The information bound of docs/verify-statistics.md: no rule with error rates (α, β) can decide faster on
// average. The engine's own expected time is this bound times a measured overhead.

export interface BoundInput {
  /** requests per second */
  rate: number;
  /** baseline bad fraction, e.g. 0.005 */
  p0: number;
  /** the rate multiple to tell apart from the baseline, > 0 and ≠ 1 */
  k: number;
  alpha: number;
  beta: number;
}

export interface DecisionSeconds {
  rollbackSeconds: number;
  verifySeconds: number;
}

const xlogy = (x: number, y: number): number => (x === 0 ? 0 : x * Math.log(y));

/** Wald's lower bounds on the expected time to roll back (rate k·p0) and to verify (rate p0). */
export function informationBound({ rate, p0, k, alpha, beta }: BoundInput): DecisionSeconds {
  const lambda0 = rate * p0;
  const i1 = lambda0 * (k * Math.log(k) - k + 1);
  const i0 = lambda0 * (k - 1 - Math.log(k));
  const rollbackNats = xlogy(1 - beta, (1 - beta) / alpha) + xlogy(beta, beta / (1 - alpha));
  const verifyNats = xlogy(1 - alpha, (1 - alpha) / beta) + xlogy(alpha, alpha / (1 - beta));
  return { rollbackSeconds: rollbackNats / i1, verifySeconds: verifyNats / i0 };
}
