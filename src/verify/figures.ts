// The watch's numbers in the words people use on an incident call and in the record:
// "error rate 7.5/min → 0.2/min (0.50% → 0.01% of requests), p99 840 ms → 210 ms".

import { describeRate, type RateUnit } from "./describe.js";
import { afterWhat, type MetricView, type WatchResult } from "./watch.js";

/** 75 s → "1 min 15 s"; 5400 s → "1 h 30 min". */
export function duration(seconds: number): string {
  if (seconds > 0 && seconds < 10 && !Number.isInteger(Math.round(seconds * 10) / 10))
    return `${(Math.round(seconds * 10) / 10).toString()} s`;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const m = Math.round(s / 60);
  return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m / 60} h`;
}

const ms = (seconds: number): string => (seconds >= 10 ? `${(seconds).toFixed(1)} s` : `${Math.round(seconds * 1000)} ms`);

function percent(f: number): string {
  const p = f * 100;
  if (p === 0) return "0%";
  if (p >= 10) return `${Math.round(p)}%`;
  if (p >= 0.1) return `${p.toFixed(2).replace(/0$/, "")}%`;
  return `${Number(p.toPrecision(1))}%`;
}

function unitFor(a: number, b: number): RateUnit {
  const biggest = Math.max(a, b);
  if (biggest * 60 >= 0.1) return "min";
  return "h";
}

/** One metric's before → after, in words. */
export function metricFigure(v: MetricView): string {
  const parts: string[] = [];
  if (v.rate.after === null) {
    const u = unitFor(v.rate.before, 0);
    parts.push(`${describeRate(v.rate.before, v.rate.before, u, v.name).split(" → ")[0]} before; no data after the warm-up yet`);
  } else {
    let text = describeRate(v.rate.before, v.rate.after, unitFor(v.rate.before, v.rate.after), v.name);
    if (v.fraction && v.fraction.after !== null) text += ` (${percent(v.fraction.before)} → ${percent(v.fraction.after)} of requests)`;
    parts.push(text);
  }
  if (v.p99 && (v.p99.before !== undefined || v.p99.after !== undefined))
    parts.push(`p99 ${v.p99.before !== undefined ? ms(v.p99.before) : "?"} → ${v.p99.after !== undefined ? ms(v.p99.after) : "?"}`);
  return parts.join(", ");
}

export interface MetricRecord {
  name: string;
  counts: string;
  /** history: queried before the deploy; captured: sampled before it; fraction: configured */
  baselineFrom: string;
  outcome: string;
  /** bad events per minute before and after */
  before: number;
  after: number | null;
  unit: "per minute";
  fractionBefore?: number;
  fractionAfter?: number | null;
  p99MsBefore?: number;
  p99MsAfter?: number;
  /** the rate ratio (after / before) and its anytime-valid interval */
  ratio: number | null;
  interval: [number, number | null];
  figure: string;
  notes?: string[];
  /** [seconds after the deploy, bad events per minute since the warm-up], tick by tick */
  series?: Array<[number, number]>;
  /** up to tolerance × the baseline is normal; regressionRatio × is the regression being tested for */
  limits?: { tolerance: number; regressionRatio: number };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? Number(x.toPrecision(4)) : null);

/** The numbers kept on the record for one metric (the review reads before/after). */
export function metricRecord(v: MetricView): MetricRecord {
  return {
    name: v.name,
    counts: v.describes,
    baselineFrom: v.baselineFrom,
    outcome: v.outcome,
    before: Number((v.rate.before * 60).toPrecision(4)),
    after: v.rate.after === null ? null : Number((v.rate.after * 60).toPrecision(4)),
    unit: "per minute",
    ...(v.fraction
      ? { fractionBefore: finite(v.fraction.before) ?? 0, fractionAfter: v.fraction.after === null ? null : finite(v.fraction.after) }
      : {}),
    ...(v.p99?.before !== undefined ? { p99MsBefore: Math.round(v.p99.before * 1000) } : {}),
    ...(v.p99?.after !== undefined ? { p99MsAfter: Math.round(v.p99.after * 1000) } : {}),
    ratio: finite(v.state.ratioEstimate),
    interval: [finite(v.state.interval[0]) ?? 0, finite(v.state.interval[1])],
    figure: metricFigure(v),
    ...(v.notes.length ? { notes: v.notes } : {}),
  };
}

const times = (x: number): string => (x >= 10 ? `×${Math.round(x)}` : `×${x.toFixed(1)}`);

/** A short reason for a rollback: which metric, by how much. */
export function regressionReason(r: WatchResult): string {
  const bad = r.view.metrics.filter((m) => m.outcome === "regression");
  return bad.map((m) => `${m.name} ${times(m.state.ratioEstimate)} the baseline (at least ${times(m.state.interval[0])})`).join(", ");
}

/** The sentence that goes with the verdict on the timeline. */
export function watchSummary(r: WatchResult): string {
  const figures = r.view.metrics.map(metricFigure).join("; ");
  const notes = r.view.metrics.flatMap((m) => m.notes);
  const tail = notes.length ? `. ${notes.join(". ")}` : "";
  if (r.outcome === "regression") {
    const why = regressionReason(r);
    return `regression ${duration(r.decidedAt)} ${afterWhat(r.view.settings)}: ${why}. ${figures}${tail}`;
  }
  if (r.outcome === "verified") {
    // Watched on to the window's end after the verdict: say so, it is what makes a late regression unlikely.
    const watchedOn = r.view.settings.keepWatching && r.view.elapsed >= r.view.settings.windowSeconds;
    return `verified ${duration(r.decidedAt)} ${afterWhat(r.view.settings)}${watchedOn ? ` and still healthy when the window ended (${duration(r.view.settings.windowSeconds)})` : ""}: ${figures}${tail}`;
  }
  const withdrawn = r.view.metrics.filter((m) => m.state.withdrawn);
  if (withdrawn.length)
    return `inconclusive: verified ${duration(Math.min(...withdrawn.map((m) => m.state.withdrawn!.verifiedAt)))} ${afterWhat(r.view.settings)}, but since then ${withdrawn.map((m) => `${m.name} ran ${times(m.state.withdrawn!.ratioSince)} the baseline`).join(", ")}, too little to roll back on and too much to leave verified (${duration(r.view.settings.windowSeconds)} window). ${figures}${tail}`;
  if (r.unreadable)
    return `inconclusive: stopped ${duration(r.decidedAt)} ${afterWhat(r.view.settings)}, before the window ended, because every metric's last ${r.unreadable.failedReads} reads failed (${r.unreadable.errors.map((e) => `${e.name}: ${e.error}`).join("; ")})`;
  const slow = r.view.metrics.filter(
    (m) => m.outcome !== "verified" && (m.state.expectedSecondsToDecide ?? 0) > r.view.settings.windowSeconds,
  );
  const why = slow.length
    ? ` At this traffic ${slow.map((m) => m.name).join(", ")} would need about ${duration(Math.max(...slow.map((m) => m.state.expectedSecondsToDecide ?? 0)))}.`
    : "";
  return `inconclusive when the window ended (${duration(r.view.settings.windowSeconds)}): ${figures}.${why}${tail}`;
}
