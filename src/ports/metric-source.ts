// The metric sources the verify watch reads (adapters in src/verify/sources/). Two kinds:
// - windowed sources keep history (Prometheus, Sentry): they answer "how many in [from, to]";
// - cumulative sources show running totals now (a /metrics page, a JSON endpoint): the watch reads
//   them at each tick and counts the difference, counter resets included.

import type { MetricConfig } from "../config/schema-verify.js";

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
 * Builds the source of each configured metric for one environment (verify.metrics, those that
 * apply to it), from the composition root. Building may throw for one metric (a missing secret,
 * a bad URL) while the others still work, so each is built on its own.
 */
export interface MetricSourceFactory {
  readonly metrics: ReadonlyArray<{ metric: MetricConfig; index: number }>;
  /** `deployAt`: when the deploy happened (Sentry narrows to the release after it). */
  build(metric: MetricConfig, index: number, opts: { deployAt: Date; timeoutMs?: number }): MetricSource;
}
