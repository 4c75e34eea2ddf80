// Defensive readers for what other steps leave on the record. The review, the incident log and
// the follow-ups only read: a key another step has not written yet (or writes in a newer shape)
// gives an empty answer, never a crash.

import type { Incident, TimelineEvent } from "../domain/types.js";
import { incidentState, type IncidentState } from "../domain/state/state.js";
import { milestonesOf, verdictsOf, type Milestones as PhaseMilestones } from "../domain/state/facts.js";
import { readPr } from "../domain/state/pr.js";

// The readers are the record's own (domain/state/read.ts), re-exported for the review's modules.
import { isObj, isoOf, num, str, type Json } from "../domain/state/read.js";

export { isObj, num, str, type Json };

/** When each phase of the release was reached, from the timeline (ISO strings), and when it was detected. */
export interface Milestones extends PhaseMilestones {
  detected: string;
}

export function milestones(incident: Incident, events: readonly TimelineEvent[], state: IncidentState = incidentState(events)): Milestones {
  return { detected: incident.discoveredAt, ...milestonesOf(state) };
}

/** The moment the fix counts as in production for the deadline: the production deploy, else verification. */
export const fixedAt = (m: Milestones): string | undefined => m.deployed ?? m.verified;

export interface PrFacts {
  number?: number;
  url?: string;
  title?: string;
  state?: string;
}

/** The PR as the review shows it, from the one reader of the PR on the record. */
export function readPrFacts(incident: Incident): PrFacts | null {
  const pr = readPr(incident);
  return pr && { number: pr.number, url: pr.url, title: pr.title, state: pr.state };
}

/** The version tag: data.release as a string or {tag|version|name}, else the release.tagged event. */
export function readTag(
  incident: Incident,
  events: readonly TimelineEvent[],
  state: IncidentState = incidentState(events),
): string | undefined {
  const r = incident.data.release;
  if (typeof r === "string") return r;
  if (isObj(r)) {
    const t = str(r.tag) ?? str(r.version) ?? str(r.name);
    if (t) return t;
  }
  const first = state.tags[0];
  return first ? (first.tag ?? first.version ?? first.summary) : undefined;
}

// One reader of data.deploys for every area (verify reads the same facts): see src/domain/deploys.ts.
export { readDeploys, type DeployFacts } from "../domain/deploys.js";

export interface MetricFigure {
  name: string;
  before: number;
  after: number;
  unit?: string;
  /** What verify watched: [seconds after the deploy, value] tick by tick (absent in older records). */
  series?: Array<[number, number]>;
  limits?: { tolerance: number; regressionRatio: number };
  /** Seconds after the deploy: the verdict, and its kind; a rollback when one followed. */
  verdictAfter?: number;
  verdict?: string;
  rollback?: string;
}

/** Before/after figures: data.verification.metrics (list or map), then the verify.* events' data.metrics. */
export function readMetrics(
  incident: Incident,
  events: readonly TimelineEvent[],
  state: IncidentState = incidentState(events),
): MetricFigure[] {
  const out = new Map<string, MetricFigure>();
  const take = (src: unknown) => {
    const entries: Array<[string | undefined, unknown]> = Array.isArray(src)
      ? src.map((x) => [undefined, x])
      : isObj(src)
        ? Object.entries(src)
        : [];
    for (const [key, m] of entries) {
      if (!isObj(m)) continue;
      const name = str(m.name) ?? str(m.metric) ?? str(m.label) ?? str(m.id) ?? key;
      const before = num(m.before) ?? num(m.baseline) ?? num(m.beforeRate) ?? num(m.beforeValue);
      const after = num(m.after) ?? num(m.current) ?? num(m.afterRate) ?? num(m.afterValue);
      if (!name || before === undefined || after === undefined || out.has(name)) continue;
      const series = Array.isArray(m.series)
        ? (m.series as unknown[]).filter(
            (p): p is [number, number] => Array.isArray(p) && typeof p[0] === "number" && typeof p[1] === "number",
          )
        : [];
      const limits =
        isObj(m.limits) && num(m.limits.tolerance) !== undefined && num(m.limits.regressionRatio) !== undefined
          ? { tolerance: num(m.limits.tolerance)!, regressionRatio: num(m.limits.regressionRatio)! }
          : undefined;
      out.set(name, {
        name,
        before,
        after,
        ...(str(m.unit) ? { unit: str(m.unit) } : {}),
        ...(series.length ? { series } : {}),
        ...(limits ? { limits } : {}),
        ...verdictOf,
      });
    }
  };
  const verdictOf: Pick<MetricFigure, "verdictAfter" | "verdict" | "rollback"> = {};
  const production = verdictsOf(state, "production");
  const last = production.filter((v) => v.verdict === "verified" || v.verdict === "regression" || v.verdict === "inconclusive").pop();
  if (last) {
    const after = last.decidedAfterSeconds;
    if (after !== undefined) verdictOf.verdictAfter = after;
    verdictOf.verdict = last.verdict;
    const rb = last.rollback;
    if (rb && rb !== "none" && rb !== "disabled" && rb !== "unavailable") verdictOf.rollback = rb;
  }
  const v = incident.data.verification;
  if (isObj(v)) {
    take(v.metrics);
    take(v.figures);
    if (isObj(v.production)) take(v.production.metrics);
  }
  for (const v of production) take(v.metrics);
  return [...out.values()];
}

export interface VerificationFacts {
  outcome?: string; // verified, regression, inconclusive…
  at?: string;
  summary?: string;
}

export function readVerification(
  incident: Incident,
  events: readonly TimelineEvent[],
  state: IncidentState = incidentState(events),
): VerificationFacts | null {
  const v = incident.data.verification;
  const ev = verdictsOf(state, "production")
    .filter((x) => x.verdict === "verified" || x.verdict === "regression")
    .pop();
  const fromEvent: VerificationFacts | null = ev ? { outcome: ev.verdict, at: ev.at, summary: ev.summary } : null;
  if (!isObj(v)) return fromEvent;
  const src = isObj(v.production) ? v.production : v;
  return {
    outcome: str(src.outcome) ?? str(src.verdict) ?? str(src.status) ?? str(src.result) ?? fromEvent?.outcome,
    at: isoOf(src.at) ?? isoOf(src.decidedAt) ?? fromEvent?.at,
    summary: str(src.summary) ?? str(src.text) ?? fromEvent?.summary,
  };
}

/** Backports done: data.backports entries in a done state, else backport.done events. */
export function countBackports(incident: Incident, events: readonly TimelineEvent[], state: IncidentState = incidentState(events)): number {
  const b = incident.data.backports;
  const list = Array.isArray(b) ? b : isObj(b) ? Object.values(b) : [];
  const done = list.filter(
    (x) => isObj(x) && /^(done|merged|picked|pushed|opened|applied)$/i.test(str(x.state) ?? str(x.status) ?? ""),
  ).length;
  return done > 0 ? done : state.backports.done.length;
}

export const countRollbacks = (events: readonly TimelineEvent[], state: IncidentState = incidentState(events)) => state.rollbacks.length;

/** Channels that failed to get a message: announce failures and failed or unconfirmed notify effects. */
export function failedChannels(events: readonly TimelineEvent[], state: IncidentState = incidentState(events)): string[] {
  const messaging = (key: string) => /^(announce|notify|message)/.test(key);
  const said = [
    ...state.announcements.failed.map((a) => ({ seq: a.seq, text: a.channel ?? a.summary ?? "announce.failed" })),
    ...state.journal.failed.filter((j) => messaging(j.key)).map((j) => ({ seq: j.seq, text: j.key })),
    ...state.journal.possiblyDone.filter((j) => messaging(j.key)).map((j) => ({ seq: j.seq, text: `${j.key} (unconfirmed)` })),
  ].sort((a, b) => a.seq - b.seq);
  return [...new Set(said.map((x) => x.text))];
}
