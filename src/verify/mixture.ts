// The Gamma-mixture likelihood ratio for a Poisson rate ratio (docs/verify-statistics.md, "The test").
// Under θ = θ0 the mixture ratio is a non-negative martingale with mean 1, so by Ville's inequality
// the set {θ0 : Λ(θ0) < 1/α} covers the true ratio at every sample with probability ≥ 1 − α.

export interface GammaPrior {
  shape: number;
  rate: number;
}

// Mean 1, standard deviation ~0.7: a broad prior for the interval shown to people. The two
// decisions use narrower priors aimed at their own alternatives (priors.ts).
export const DEFAULT_PRIOR: GammaPrior = { shape: 2, rate: 2 };

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (Lanczos, g = 7; ~1e-14 relative error). */
export function lnGamma(x: number): number {
  if (x < 0.5) return lnGamma(x + 1) - Math.log(x);
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) s += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return HALF_LN_2PI + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** The part of ln Λ that does not depend on θ0. */
function mixtureConstant(s: number, m: number, prior: GammaPrior): number {
  const { shape: a, rate: b } = prior;
  return a * Math.log(b) + lnGamma(a + s) - lnGamma(a) - (a + s) * Math.log(m + b);
}

/**
 * ln Λ(θ0) for `s` bad events where `m` were expected at the baseline rate. Both may be
 * fractional: over-dispersed counts enter as quasi-Poisson effective counts (divided by φ).
 */
export function logMixtureRatio(s: number, m: number, theta0: number, prior: GammaPrior = DEFAULT_PRIOR): number {
  return theta0 * m - s * Math.log(theta0) + mixtureConstant(s, m, prior);
}

/** The anytime-valid confidence sequence {θ : ln Λ(θ) < ln(1/α)} at the current counts. */
export function mixtureInterval(s: number, m: number, alpha: number, prior: GammaPrior = DEFAULT_PRIOR): [number, number] {
  if (!(m > 0)) return [0, Number.POSITIVE_INFINITY];
  const level = Math.log(1 / alpha);
  const c = mixtureConstant(s, m, prior);
  const f = (theta: number): number => theta * m - s * Math.log(theta) + c - level;
  if (s <= 0) return [0, Math.max(0, (level - c) / m)];
  const mode = s / m; // f is convex with its minimum here, and f(mode) < 0 because Λ(θ̂) ≤ 1
  const solve = (inside: number, outside: number): number => {
    // bisection in log θ: f(inside) < 0 ≤ f(outside)
    let lo = Math.log(inside);
    let hi = Math.log(outside);
    for (let i = 0; i < 80; i++) {
      const mid = (lo + hi) / 2;
      if (f(Math.exp(mid)) < 0) lo = mid;
      else hi = mid;
    }
    return Math.exp((lo + hi) / 2);
  };
  let low = mode / 2;
  while (low > 1e-12 && f(low) < 0) low /= 2;
  let high = mode * 2;
  while (high < 1e12 && f(high) < 0) high *= 2;
  return [low <= 1e-12 ? 0 : solve(mode, low), solve(mode, high)];
}
