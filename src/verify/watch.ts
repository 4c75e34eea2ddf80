// The watch after a deploy: every interval, read each metric, feed its decider (decision.ts), and
// stop at the first verdict the data allows. Regression on any metric ends it at once; verified
// needs every metric verified; when the window ends first, the verdict is inconclusive.
// With `keepWatching`, "verified" is reported (onVerified) and the watch goes on to the window's end,
// so a regression that begins later still rolls back, and a rate that rose since is not left verified.
// A read that fails is a missing scrape: the next one covers the gap (counters accumulate). When
// every metric keeps failing, the watch stops early as inconclusive and says why (`unreadable`).

import { FirebreakError } from "../errors.js";
import { redact } from "../redact.js";
import { createDecider, type Decider, type DecisionState, type Outcome } from "./decision.js";
import { histogramQuantile, type Counts, type MetricSource, type Reading } from "./sources/source.js";

export interface MetricBaseline {
  bad: number;
  /** requests, or seconds for sources that count bad events per unit of time */
  total: number;
  seconds: number;
  /** variance/mean of bad counts per interval (1 = Poisson) */
  dispersion: number;
  /** where it came from: history (queried before the deploy), captured (sampled before it), fraction (configured) */
  how: "history" | "captured" | "fraction";
  /** p99 latency in seconds, for histogram metrics */
  p99?: number;
}

export interface WatchedMetric {
  name: string;
  source: MetricSource;
  baseline: MetricBaseline;
}

export interface WatchSettings {
  alpha: number;
  beta: number;
  tolerance: number;
  regressionRatio: number;
  warmupSeconds: number;
  /** the multiple of the baseline a warm-up may reach without a rollback (decision.ts) */
  warmupAllowance?: number;
  windowSeconds: number;
  intervalSeconds: number;
  /** after "verified", watch on to the window's end for a regression that begins later */
  keepWatching: boolean;
  /** the deploy was long ago: times count from the watch's start, and the words say so */
  fromWatchStart?: boolean;
}

/** What the watch's times count from, in words: "after the deploy" or "after the watch started". */
export const afterWhat = (s: Pick<WatchSettings, "fromWatchStart">): string =>
  s.fromWatchStart ? "after the watch started" : "after the deploy";

export interface MetricView {
  name: string;
  describes: string;
  exposure: "requests" | "seconds";
  baselineFrom: MetricBaseline["how"];
  outcome: Outcome;
  state: DecisionState;
  /** bad events per second: before (the baseline) and after the warm-up */
  rate: { before: number; after: number | null };
  /** bad fraction of requests, when the source counts requests */
  fraction?: { before: number; after: number | null };
  p99?: { before?: number; after?: number };
  /** seconds of data after the warm-up; reads that failed; the last failure */
  dataSeconds: number;
  missedReads: number;
  lastError?: string;
  notes: string[];
}

export interface WatchView {
  elapsed: number;
  settings: WatchSettings;
  metrics: MetricView[];
  outcome: Outcome;
}

export interface WatchResult {
  outcome: "verified" | "regression" | "inconclusive";
  /** seconds since the deploy */
  decidedAt: number;
  view: WatchView;
  /** Set when the watch stopped early because every metric's last reads failed (outcome inconclusive). */
  unreadable?: { failedReads: number; errors: Array<{ name: string; error: string }> };
}

export interface WatchOptions {
  settings: WatchSettings;
  metrics: WatchedMetric[];
  /** the deploy's wall-clock time: t = 0 of every sample */
  deployAt: Date;
  signal?: AbortSignal;
  onTick?: (view: WatchView) => void;
  /** with settings.keepWatching: called once, when every metric is first verified */
  onVerified?: (result: WatchResult) => Promise<void>;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Tally {
  bad: number;
  total: number;
  seconds: number;
  buckets: Map<number, number>;
}
const emptyTally = (): Tally => ({ bad: 0, total: 0, seconds: 0, buckets: new Map() });
const addTo = (x: Tally, c: Counts, total: number, seconds: number): void => {
  x.bad += c.bad;
  x.total += total;
  x.seconds += seconds;
  for (const b of c.buckets ?? []) x.buckets.set(b.le, (x.buckets.get(b.le) ?? 0) + b.count);
};

interface Track {
  m: WatchedMetric;
  decider: Decider;
  prev?: Reading;
  prevAt?: number; // ms
  windowFrom?: Date; // windowed sources: the end of the last counted window
  /** counts after the warm-up (the figures shown), and since the deploy (shown until there are some after it) */
  post: Tally;
  since: Tally;
  missed: number;
  /** Reads that failed since the last one that worked. */
  failedInARow: number;
  lastError?: string;
  notes: string[];
}

/**
 * When every metric's last this-many reads failed, the watch stops as inconclusive: a source that
 * is down (or a wrong URL) would otherwise hold the person for the whole window only to end
 * "inconclusive" anyway. A few failures in a row (a restart, a slow scrape) are ridden out.
 */
export const MAX_FAILED_READS_IN_A_ROW = 8;

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

export function baselineP0(b: MetricBaseline): number {
  return (Math.max(0, b.bad) + 0.5) / Math.max(1, b.total);
}

export async function watch(opts: WatchOptions): Promise<WatchResult> {
  const { settings } = opts;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const anchor = opts.deployAt.getTime();
  const elapsed = () => (now() - anchor) / 1000;
  // A false rollback on any metric is a false rollback: α is shared among them.
  const alpha = settings.alpha / Math.max(1, opts.metrics.length);

  const tracks: Track[] = opts.metrics.map((m) => ({
    m,
    decider: createDecider({
      alpha,
      beta: settings.beta,
      tolerance: settings.tolerance,
      regressionRatio: settings.regressionRatio,
      warmupSeconds: settings.warmupSeconds,
      ...(settings.warmupAllowance !== undefined ? { warmupAllowance: settings.warmupAllowance } : {}),
      maxWindowSeconds: settings.windowSeconds,
      baseline: { bad: m.baseline.bad, total: m.baseline.total, seconds: m.baseline.seconds, dispersion: m.baseline.dispersion },
    }),
    post: emptyTally(),
    since: emptyTally(),
    missed: 0,
    failedInARow: 0,
    notes: [],
  }));

  const feed = (tr: Track, t: number, start: number, c: Counts) => {
    const total = tr.m.source.exposure === "seconds" ? Math.max(0, t - start) : c.total;
    tr.decider.observe({ t, bad: c.bad, total });
    if (t > settings.windowSeconds) return;
    addTo(tr.since, c, total, t - start);
    if (start >= settings.warmupSeconds) addTo(tr.post, c, total, t - start);
  };
  let lastT = 0;
  const observe = (tr: Track, t: number, c: Counts) => {
    const start = tr.decider.state().elapsed;
    if (t > start) feed(tr, t, start, c);
  };

  const fail = (tr: Track, e: unknown) => {
    if (e instanceof FirebreakError) throw e; // a configuration problem: waiting will not fix it
    tr.missed++;
    tr.failedInARow++;
    tr.lastError = (e as Error).message;
  };

  // Start: the data since the deploy from the source's history when it has one (the watch may begin
  // minutes after the deploy), then a first reading for the cumulative sources to count from.
  const t0 = elapsed();
  for (const tr of tracks) {
    const src = tr.m.source;
    if (src.history && t0 >= 2 * settings.intervalSeconds) {
      try {
        const past = await src.history(new Date(anchor), new Date(now()), settings.intervalSeconds);
        past.forEach((c, i) => observe(tr, Math.min(t0, (i + 1) * (t0 / past.length)), c));
      } catch (e) {
        fail(tr, e);
      }
    }
    if (src.kind === "windowed") tr.windowFrom = new Date(anchor + tr.decider.state().elapsed * 1000);
    else {
      try {
        tr.prev = await src.read();
        tr.prevAt = now();
        const at = (tr.prevAt - anchor) / 1000;
        // Marks where counting starts; inside the warm-up it is ignored, after it it adds nothing.
        if (at > tr.decider.state().elapsed) tr.decider.observe({ t: at, bad: 0, total: 0 });
      } catch (e) {
        fail(tr, e);
      }
    }
  }

  const view = (): WatchView => {
    const metrics = tracks.map((tr): MetricView => {
      const st = tr.decider.state();
      const b = tr.m.baseline;
      // A verdict can come inside the warm-up (a fast fix at high traffic): then "after" is since the deploy.
      const shown = tr.post.seconds > 0 ? tr.post : tr.since;
      const after = shown.seconds > 0 ? shown.bad / shown.seconds : null;
      const requests = tr.m.source.exposure === "requests";
      const p99After = shown.buckets.size
        ? histogramQuantile(
            0.99,
            [...shown.buckets].map(([le, count]) => ({ le, count })),
          )
        : undefined;
      return {
        name: tr.m.name,
        describes: tr.m.source.describes,
        exposure: tr.m.source.exposure,
        baselineFrom: b.how,
        outcome: st.outcome,
        state: st,
        rate: { before: b.bad / Math.max(1e-9, b.seconds), after },
        ...(requests
          ? { fraction: { before: b.total > 0 ? b.bad / b.total : 0, after: shown.total > 0 ? shown.bad / shown.total : null } }
          : {}),
        ...(b.p99 !== undefined || p99After !== undefined
          ? { p99: { ...(b.p99 !== undefined ? { before: b.p99 } : {}), ...(p99After !== undefined ? { after: p99After } : {}) } }
          : {}),
        dataSeconds: shown.seconds,
        missedReads: tr.missed,
        ...(tr.lastError ? { lastError: tr.lastError } : {}),
        notes: tr.notes,
      };
    });
    return { elapsed: lastT, settings, metrics, outcome: overall() };
  };

  const overall = (): Outcome => {
    const outs = tracks.map((tr) => tr.decider.state().outcome);
    if (outs.includes("regression")) return "regression";
    if (outs.length > 0 && outs.every((o) => o === "verified")) return "verified";
    if (lastT >= settings.windowSeconds) return "inconclusive";
    return "pending";
  };

  const resultOf = (v: WatchView, unreadable?: WatchResult["unreadable"]): WatchResult => {
    const outcome = v.outcome === "pending" ? "inconclusive" : v.outcome;
    const decided = tracks.map((tr) => tr.decider.state().decidedAt ?? lastT);
    return {
      outcome,
      decidedAt:
        outcome === "regression"
          ? Math.min(
              ...tracks.filter((tr) => tr.decider.state().outcome === "regression").map((tr) => tr.decider.state().decidedAt ?? lastT),
            )
          : Math.max(0, ...decided),
      view: { ...v, outcome },
      ...(unreadable ? { unreadable } : {}),
    };
  };

  // Done at the first verdict, except that "verified" watches on to the window's end when asked.
  let toldVerified = false;
  const settled = async (): Promise<boolean> => {
    const o = overall();
    if (o === "pending") return false;
    if (o !== "verified" || !settings.keepWatching || lastT >= settings.windowSeconds) return true;
    if (!toldVerified) {
      toldVerified = true;
      await opts.onVerified?.(resultOf(view()));
    }
    return false;
  };

  lastT = Math.max(0, t0);
  opts.onTick?.(view());
  let unreadable: WatchResult["unreadable"];
  while (!(await settled()) && !opts.signal?.aborted) {
    await sleep(settings.intervalSeconds * 1000, opts.signal);
    if (opts.signal?.aborted) break;
    for (const tr of tracks) {
      const src = tr.m.source;
      try {
        if (src.kind === "windowed") {
          const to = new Date(now());
          const c = await src.window(tr.windowFrom!, to);
          observe(tr, (to.getTime() - anchor) / 1000, c);
          tr.windowFrom = to;
        } else {
          const cur = await src.read();
          const at = now();
          if (tr.prev) observe(tr, (at - anchor) / 1000, src.between(tr.prev, cur));
          else if ((at - anchor) / 1000 > tr.decider.state().elapsed) tr.decider.observe({ t: (at - anchor) / 1000, bad: 0, total: 0 });
          tr.prev = cur;
          tr.prevAt = at;
        }
        tr.failedInARow = 0;
      } catch (e) {
        fail(tr, e);
      }
    }
    lastT = elapsed();
    if (tracks.length > 0 && tracks.every((tr) => tr.failedInARow >= MAX_FAILED_READS_IN_A_ROW)) {
      // The errors go on the record and to the terminal: a secret in one (a URL's token) is masked.
      unreadable = {
        failedReads: Math.min(...tracks.map((tr) => tr.failedInARow)),
        errors: tracks.map((tr) => ({ name: tr.m.name, error: redact(tr.lastError ?? "no answer") })),
      };
      opts.onTick?.(view());
      break;
    }
    // The window can end between two reads that all failed: close it on time anyway.
    // A verified metric gets the same last sample: its verdict is checked once more at the end.
    if (lastT >= settings.windowSeconds)
      for (const tr of tracks)
        if (["pending", "verified"].includes(tr.decider.state().outcome))
          tr.decider.observe({ t: Math.max(lastT, tr.decider.state().elapsed + 1e-6), bad: 0, total: 0 });
    opts.onTick?.(view());
  }

  // Notes (new Sentry issues) once, at the end: they go with the figures.
  for (const tr of tracks) {
    if (!tr.m.source.notes) continue;
    try {
      tr.notes.push(...(await tr.m.source.notes(new Date(anchor), new Date(now()))));
    } catch (e) {
      if (e instanceof FirebreakError) tr.notes.push(e.message);
      else tr.notes.push(`could not list new issues: ${(e as Error).message}`);
    }
  }
  return resultOf(view(), unreadable);
}
