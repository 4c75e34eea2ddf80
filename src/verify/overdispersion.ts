// Real error counts are burstier than Poisson. The engine treats them as quasi-Poisson: a count
// whose variance is φ times its mean carries the information of a Poisson count divided by φ.

export interface CountBucket {
  bad: number;
  total: number;
}

/**
 * φ, the variance-to-mean ratio of bad counts per bucket given the requests in that bucket
 * (Pearson's estimate), from the baseline window's buckets at the same scrape interval the
 * watch will use. Never below 1: under-dispersion is treated as Poisson.
 */
/** Buckets (less one) from which a dispersion that looks Poisson is taken as Poisson. */
const POISSON_TRUSTED_DF = 59;

export function estimateDispersion(buckets: readonly CountBucket[]): number {
  let bad = 0;
  let total = 0;
  let used = 0;
  for (const b of buckets) {
    if (b.total > 0) {
      bad += b.bad;
      total += b.total;
      used++;
    }
  }
  if (used < 2 || bad === 0) return 1;
  const p = bad / total;
  let chi2 = 0;
  for (const b of buckets) {
    if (b.total <= 0) continue;
    const expected = p * b.total;
    chi2 += ((b.bad - expected) * (b.bad - expected)) / expected;
  }
  const df = used - 1;
  const phi = chi2 / df;
  // Poisson counts give chi2/df ≈ 1 ± sqrt(2/df); below its 99th percentile, treat them as Poisson.
  // Only with enough buckets to tell (a quarter of an hour at 15 s): from a short sampled baseline
  // a bursty stream's estimate often falls under that line, and an estimate too low means false
  // rollbacks (bench: 2.5% with 5 minutes of bursty counts), so a short one always gets the margin.
  const spread = Math.sqrt(2 / df);
  if (df >= POISSON_TRUSTED_DF && phi <= 1 + 2.33 * spread) return Math.max(1, phi);
  if (phi <= 1) return 1 + 1.5 * spread * Math.max(0, phi);
  // Bursty counts: an estimate that is too low means false rollbacks, and their tails are heavier
  // than a Poisson count of the same variance, so allow for the estimate's own noise.
  // 1.5 spreads keeps the benchmark's bursty A/A cells under 1% false rollbacks.
  return phi * (1 + 1.5 * spread);
}
