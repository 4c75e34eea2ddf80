// What every metric source gives the watch. Two kinds:
// - windowed sources keep history (Prometheus, Sentry): they answer "how many in [from, to]";
// - cumulative sources show running totals now (a /metrics page, a JSON endpoint): the watch reads
//   them at each tick and counts the difference, counter resets included.

export interface Counts {
  bad: number;
  /** requests (exposure "requests") or seconds (exposure "seconds": bad events per unit of time) */
  total: number;
  /** cumulative latency buckets over the interval (le in seconds → count), for p99 figures */
  buckets?: Array<{ le: number; count: number }>;
}

/** Running totals: stream ("bad", "total", "le:0.5"…) → series key → value. */
export type Reading = Map<string, Map<string, number>>;

interface SourceBase {
  /** "requests": bad out of requests (traffic swings cancel); "seconds": bad events per second. */
  readonly exposure: "requests" | "seconds";
  /** What it counts, in words: "5xx responses out of requests". */
  readonly describes: string;
}

interface SourceHistory {
  /**
   * Consecutive counts of about `stepSeconds` each over [from, to], from the source's own history:
   * the baseline before the deploy (and its dispersion), or the data since a deploy that happened
   * before the watch began. Sources without history (a /metrics page) have none.
   */
  history?(from: Date, to: Date, stepSeconds: number): Promise<Counts[]>;
  /** Things worth telling since the deploy (Sentry: new issues). */
  notes?(since: Date, until: Date): Promise<string[]>;
}

export interface WindowedSource extends SourceBase, SourceHistory {
  readonly kind: "windowed";
  window(from: Date, to: Date): Promise<Counts>;
}

export interface CumulativeSource extends SourceBase, SourceHistory {
  readonly kind: "cumulative";
  read(): Promise<Reading>;
  /** The counts between two readings. */
  between(prev: Reading, cur: Reading): Counts;
}

export type MetricSource = WindowedSource | CumulativeSource;

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
