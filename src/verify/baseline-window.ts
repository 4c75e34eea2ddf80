// The baseline each metric is compared with: counts from before the deploy (or the incident).
// Sources with history answer for any past window; a /metrics page or a JSON endpoint has only
// "now", so its baseline is sampled before the deploy (captureBaseline) and kept on the record.

import { estimateDispersion } from "./overdispersion.js";
import { histogramQuantile, type Counts, type CumulativeSource, type Reading } from "./sources/source.js";
import type { MetricBaseline } from "./watch.js";

/** A baseline from consecutive buckets covering `seconds`. */
export function baselineFromBuckets(
  buckets: readonly Counts[],
  seconds: number,
  how: MetricBaseline["how"],
  exposure: "requests" | "seconds",
): MetricBaseline {
  const perBucket = buckets.length ? seconds / buckets.length : seconds;
  const rows = buckets.map((b) => ({ bad: b.bad, total: exposure === "seconds" ? perBucket : b.total }));
  const bad = rows.reduce((a, b) => a + b.bad, 0);
  const total = rows.reduce((a, b) => a + b.total, 0);
  const lat = new Map<number, number>();
  for (const b of buckets) for (const x of b.buckets ?? []) lat.set(x.le, (lat.get(x.le) ?? 0) + x.count);
  const p99 = lat.size
    ? histogramQuantile(
        0.99,
        [...lat].map(([le, count]) => ({ le, count })),
      )
    : undefined;
  return { bad, total, seconds, dispersion: estimateDispersion(rows), how, ...(p99 !== undefined ? { p99 } : {}) };
}

/** A baseline from a configured bad fraction (an SLO): as sure as a very long quiet window. */
export function baselineFromFraction(fraction: number): MetricBaseline {
  const total = 1e9;
  return { bad: fraction * total, total, seconds: 1e9, dispersion: 1, how: "fraction" };
}

export interface SampleOptions {
  /** the least time to sample, and the most: sampling stops between them once `enough` says so */
  minSeconds: number;
  maxSeconds: number;
  intervalSeconds: number;
  enough?: (b: MetricBaseline) => boolean;
  /** after each read: the baseline so far (null before two reads worked) and the seconds sampled */
  onProgress?: (b: MetricBaseline | null, seconds: number) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Samples a cumulative source: a reading every `intervalSeconds` (for the dispersion) for at least
 * `minSeconds`, then on until the baseline is enough or `maxSeconds` have passed. A failed reading
 * is skipped like a missing scrape, the first one included: counting starts at the first that works.
 * Throws the last error when no two readings worked.
 */
export async function sampleBaseline(source: CumulativeSource, o: SampleOptions): Promise<MetricBaseline> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const interval = Math.max(0.1, o.intervalSeconds);
  const began = now();
  let startedAt: number | undefined;
  let prev: Reading | undefined;
  let prevAt = 0;
  const buckets: Counts[] = [];
  let lastError: Error | undefined;
  let current: MetricBaseline | null = null;
  for (let i = 0; ; i++) {
    try {
      const cur = await source.read();
      const at = now();
      if (prev && startedAt !== undefined) {
        const c = source.between(prev, cur);
        buckets.push(source.exposure === "seconds" ? { ...c, total: (at - prevAt) / 1000 } : c);
        current = baselineFromBuckets(buckets, (at - startedAt) / 1000, "captured", source.exposure);
      } else startedAt = at;
      prev = cur;
      prevAt = at;
    } catch (e) {
      lastError = e as Error;
    }
    const sampled = (now() - began) / 1000;
    o.onProgress?.(current, sampled);
    if (sampled >= o.maxSeconds) break;
    if (current && sampled >= o.minSeconds && (!o.enough || o.enough(current))) break;
    // The next read on the grid from the start, so a slow read does not stretch the intervals.
    await sleep(Math.max(0, began + (i + 1) * interval * 1000 - now()));
  }
  if (!current) throw lastError ?? new Error("no two readings worked");
  return current;
}
