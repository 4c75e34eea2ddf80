// The counting that every metric source shares: differences between cumulative readings, and
// quantiles from latency buckets. The source port itself lives in src/ports/metric-source.ts.

import type { Reading } from "../../ports/metric-source.js";

export type * from "../../ports/metric-source.js";

/**
 * The increase of every stream from `prev` to `cur`, summed over its series. A series whose value
 * went down was reset (the process restarted): its whole current value is new. A series that was
 * not there before started since, so its value is new too; one that vanished adds nothing.
 */
export function increments(prev: Reading, cur: Reading): Map<string, number> {
  const out = new Map<string, number>();
  for (const [stream, series] of cur) {
    const before = prev.get(stream);
    let sum = 0;
    for (const [key, value] of series) {
      if (!Number.isFinite(value)) continue;
      const old = before?.get(key);
      sum += old === undefined || value < old ? value : value - old;
    }
    out.set(stream, sum);
  }
  return out;
}

/** Adds a value to a reading's stream/series. */
export function addTo(reading: Reading, stream: string, key: string, value: number): void {
  let m = reading.get(stream);
  if (!m) reading.set(stream, (m = new Map()));
  m.set(key, (m.get(key) ?? 0) + value);
}

/** The q-quantile (0.99 → p99) from cumulative buckets, interpolated as Prometheus' histogram_quantile does. */
export function histogramQuantile(q: number, buckets: ReadonlyArray<{ le: number; count: number }>): number | undefined {
  const b = [...buckets].sort((x, y) => x.le - y.le);
  const top = b[b.length - 1];
  if (!top || !(top.count > 0)) return undefined;
  const rank = q * top.count;
  let prevLe = 0;
  let prevCount = 0;
  for (const { le, count } of b) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return prevLe; // in the +Inf bucket: the highest finite bound is all we know
      if (count === prevCount) return le;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / (count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return undefined;
}
