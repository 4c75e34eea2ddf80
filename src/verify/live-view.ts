// What the watch shows while it runs. On a terminal: a block of lines redrawn in place, one per
// metric (its rate against the baseline, the evidence toward each verdict, the time left). On a
// pipe or in CI: plain lines, at most one per metric every `everySeconds`, and at each verdict.

import { duration, metricFigure } from "./figures.js";
import type { MetricView, WatchView } from "./watch.js";

const pct = (x: number, of: number): number => (of > 0 && Number.isFinite(of) ? Math.max(0, Math.min(100, Math.round((100 * x) / of))) : 0);

function ratioText(v: MetricView): string {
  const r = v.state.ratioEstimate;
  if (!Number.isFinite(r)) return "ratio —";
  const [lo, hi] = v.state.interval;
  const f = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(2));
  return `×${f(r)} [${f(lo)}–${Number.isFinite(hi) ? f(hi) : "∞"}]`;
}

/** One metric in one line. */
export function metricLine(v: MetricView, view: WatchView): string {
  const inWarmup = view.elapsed < view.settings.warmupSeconds;
  const verdict = v.outcome === "pending" ? "" : ` ${v.outcome.toUpperCase()}`;
  const toward =
    inWarmup && v.dataSeconds === 0
      ? "warming up"
      : `evidence: regression ${pct(v.state.evidence.towardRegression, v.state.thresholds.regression)}%, verified ${pct(v.state.evidence.towardVerified, v.state.thresholds.verified)}%`;
  const expected = v.state.expectedSecondsToDecide;
  const slow =
    v.outcome === "pending" && v.dataSeconds > 0 && expected !== undefined && expected > view.settings.windowSeconds
      ? `; at this traffic a decision needs about ${duration(expected)}`
      : "";
  const missed = v.missedReads
    ? `, ${v.missedReads} missed read${v.missedReads === 1 ? "" : "s"}${v.lastError ? ` (${v.lastError})` : ""}`
    : "";
  return `${v.name}:${verdict} ${metricFigure(v)}; ${ratioText(v)}; ${toward}${slow}${missed}`;
}

export function headerLine(view: WatchView): string {
  const { warmupSeconds, windowSeconds } = view.settings;
  const left = Math.max(0, windowSeconds - view.elapsed);
  const warm = view.elapsed < warmupSeconds ? `, warm-up allowance ends in ${duration(warmupSeconds - view.elapsed)}` : "";
  return `${duration(view.elapsed)} since ${view.settings.fromWatchStart ? "the watch started" : "the deploy"}${warm}, ${duration(left)} left in the window`;
}

export function renderWatch(view: WatchView): string[] {
  return [headerLine(view), ...view.metrics.map((m) => `  ${metricLine(m, view)}`)];
}

/**
 * Fits a line to the terminal by dropping whole "; "-separated parts from its end: a figure cut
 * mid-number would mislead ("verified 10…" for 100%). Only a first part too long is cut.
 */
export function clipLine(line: string, max: number): string {
  if (line.length <= max) return line;
  const parts = line.split("; ");
  while (parts.length > 1) {
    parts.pop();
    const kept = parts.join("; ") + "; …";
    if (kept.length <= max) return kept;
  }
  return line.slice(0, Math.max(0, max - 1)) + "…";
}

/** Redraws the block in place on a terminal (stderr), leaving the last frame on screen. */
export class LiveBlock {
  private drawn = 0;
  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly redact: (s: string) => string = (s) => s,
  ) {}
  draw(lines: string[]): void {
    const width = (this.stream as { columns?: number }).columns ?? 120;
    const clipped = lines.map((l) => clipLine(l, width - 1));
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : "";
    this.stream.write(up + clipped.map((l) => this.redact(l)).join("\n") + "\n");
    this.drawn = clipped.length;
  }
  /** Leaves the last frame where it is: lines printed next stay, and the next frame goes below them. */
  detach(): void {
    this.drawn = 0;
  }
}

/** Plain progress for pipes: returns the lines worth printing for this tick (maybe none). */
export function plainProgress(everySeconds: number): (view: WatchView) => string[] {
  let lastPrinted = -Infinity;
  const lastOutcome = new Map<string, string>();
  return (view) => {
    const changed = view.metrics.some((m) => lastOutcome.get(m.name) !== m.outcome);
    if (!changed && view.elapsed - lastPrinted < everySeconds) return [];
    lastPrinted = view.elapsed;
    for (const m of view.metrics) lastOutcome.set(m.name, m.outcome);
    return view.metrics.map((m) => `[${duration(view.elapsed)}] ${metricLine(m, view)}`);
  };
}
