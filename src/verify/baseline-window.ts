// The baseline each metric is compared with: counts from before the deploy (or the incident).
// Sources with history answer for any past window; a /metrics page or a JSON endpoint has only
// "now", so its baseline is sampled before the deploy (captureBaseline) and kept on the record.

import { estimateDispersion } from "./overdispersion.js";
import { histogramQuantile, type Counts, type CumulativeSource, type Reading } from "./sources/source.js";
import type { MetricBaseline } from "./watch.js";

/** A baseline from consecutive buckets covering `seconds`. */
export function baselineFromBuckets(buckets: readonly Counts[], seconds: number, how: MetricBaseline["how"], exposure: "requests" | "seconds"): MetricBaseline {
  const perBucket = buckets.length ? seconds / buckets.length : seconds;
  const rows = buckets.map((b) => ({ bad: b.bad, total: exposure === "seconds" ? perBucket : b.total }));
  const bad = rows.reduce((a, b) => a + b.bad, 0);
  const total = rows.reduce((a, b) => a + b.total, 0);
  const lat = new Map<number, number>();
  for (const b of buckets) for (const x of b.buckets ?? []) lat.set(x.le, (lat.get(x.le) ?? 0) + x.count);
  const p99 = lat.size ? histogramQuantile(0.99, [...lat].map(([le, count]) => ({ le, count }))) : undefined;
  return { bad, total, seconds, dispersion: estimateDispersion(rows), how, ...(p99 !== undefined ? { p99 } : {}) };
}

/** A baseline from a configured bad fraction (an SLO): as sure as a very long quiet window. */
export function baselineFromFraction(fraction: number): MetricBaseline {
  const total = 1e9;
  return { bad: fraction * total, total, seconds: 1e9, dispersion: 1, how: "fraction" };
}

/**
 * Samples a cumulative source `seconds` long: a reading at the start, one every `intervalSeconds`
 * (for the dispersion), and one at the end. A failed reading is skipped like a missing scrape.
 */
export async function sampleBaseline(
  source: CumulativeSource,
  seconds: number,
  intervalSeconds: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<MetricBaseline> {
  const steps = Math.max(1, Math.min(60, Math.floor(seconds / Math.max(0.1, intervalSeconds))));
  const first = await source.read();
  const startedAt = Date.now();
  let prev: Reading = first;
  let prevAt = startedAt;
  const buckets: Counts[] = [];
  let lastError: Error | undefined;
  for (let i = 1; i <= steps; i++) {
    await sleep(Math.max(0, startedAt + (seconds * 1000 * i) / steps - Date.now()));
    try {
      const cur = await source.read();
      const at = Date.now();
      const c = source.between(prev, cur);
      buckets.push(source.exposure === "seconds" ? { ...c, total: (at - prevAt) / 1000 } : c);
      prev = cur;
      prevAt = at;
    } catch (e) {
      lastError = e as Error;
    }
  }
  if (buckets.length === 0) throw lastError ?? new Error("no reading succeeded");
  return baselineFromBuckets(buckets, (prevAt - startedAt) / 1000, "captured", source.exposure);
}
