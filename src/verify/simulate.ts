// Seeded streams of scraped counts, shared by the benchmark and the tests so both see the same
// kinds of traffic: Poisson requests, bad events out of them, bursts, warm-up spikes, gaps.

import { lnGamma } from "./mixture.js";
import type { Sample } from "./decision.js";
import type { CountBucket } from "./overdispersion.js";

export type Rng = () => number;

/** sfc32 seeded through splitmix32: fast, 128-bit state, good enough for Monte Carlo. */
export function createRng(seed: number): Rng {
  let x = seed >>> 0;
  const split = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** A seed for run `run` of cell `cell`, so any single run can be replayed. */
export const runSeed = (cell: number, run: number): number => (Math.imul(cell + 1, 0x9e3779b1) ^ Math.imul(run + 1, 0x85ebca77)) >>> 0;

export function poisson(rng: Rng, mu: number): number {
  if (!(mu > 0)) return 0;
  if (mu < 10) {
    const limit = Math.exp(-mu);
    let k = 0;
    let p = rng();
    while (p > limit) {
      k++;
      p *= rng();
    }
    return k;
  }
  // Hörmann's PTRS (transformed rejection), as in NumPy.
  const slam = Math.sqrt(mu);
  const loglam = Math.log(mu);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng() - 0.5;
    const v = rng();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mu + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mu + k * loglam - lnGamma(k + 1)) return k;
  }
}

function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Gamma(shape, scale 1) by Marsaglia and Tsang. */
export function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * (1 - rng()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export interface StreamSpec {
  /** requests per second */
  rate: number;
  /** baseline bad fraction */
  p0: number;
  /** the post-deploy multiple of p0 (after `lateStart` when that is set) */
  k: number;
  /** seconds per scrape */
  interval: number;
  /** seconds watched after the deploy */
  seconds: number;
  /** the bad rate is multiplied by `spike` for the first `spikeSeconds` after the deploy */
  spike?: number;
  spikeSeconds?: number;
  /** the multiple is 1 until this many seconds after the deploy, then k */
  lateStart?: number;
  /** variance/mean of bad counts per scrape at the baseline rate (negative binomial) */
  dispersion?: number;
  /** coefficient of variation of a per-scrape multiplier on the bad rate (bursts) */
  burstCv?: number;
  /** probability a scrape is missing (its counts arrive with the next one: counters accumulate) */
  missing?: number;
  /** a scrape outage: no samples in [from, to), counts arrive after it */
  gap?: [number, number];
}

function burstVariance(spec: StreamSpec): number {
  if (spec.burstCv !== undefined) return spec.burstCv * spec.burstCv;
  // NB with variance = φ·mean at the baseline bucket: a Gamma multiplier of variance (φ−1)/mean.
  if (spec.dispersion !== undefined && spec.dispersion > 1) {
    return (spec.dispersion - 1) / Math.max(1e-9, spec.rate * spec.interval * spec.p0);
  }
  return 0;
}

function bucket(rng: Rng, spec: StreamSpec, multiple: number, v: number): CountBucket {
  const total = poisson(rng, spec.rate * spec.interval);
  const burst = v > 0 ? gamma(rng, 1 / v) * v : 1;
  return { total, bad: poisson(rng, total * spec.p0 * multiple * burst) };
}

/** `seconds` of healthy scrapes before the incident: the baseline window and its buckets. */
export function baselineBuckets(rng: Rng, spec: StreamSpec, seconds: number): CountBucket[] {
  const v = burstVariance(spec);
  const out: CountBucket[] = [];
  for (let t = spec.interval; t <= seconds; t += spec.interval) out.push(bucket(rng, spec, 1, v));
  return out;
}

/** The post-deploy samples as a scraper delivers them (increments since the previous sample). */
export function deployStream(rng: Rng, spec: StreamSpec): Sample[] {
  const v = burstVariance(spec);
  const out: Sample[] = [];
  let bad = 0;
  let total = 0;
  for (let t = spec.interval; t <= spec.seconds + 1e-9; t += spec.interval) {
    const mid = t - spec.interval / 2;
    let multiple = spec.lateStart !== undefined && mid < spec.lateStart ? 1 : spec.k;
    if (spec.spike !== undefined && mid < (spec.spikeSeconds ?? 60)) multiple *= spec.spike;
    const b = bucket(rng, spec, multiple, v);
    bad += b.bad;
    total += b.total;
    const inGap = spec.gap !== undefined && t >= spec.gap[0] && t < spec.gap[1];
    const dropped = inGap || (spec.missing !== undefined && rng() < spec.missing);
    if (dropped && t + spec.interval <= spec.seconds + 1e-9) continue;
    out.push({ t, bad, total });
    bad = 0;
    total = 0;
  }
  return out;
}
