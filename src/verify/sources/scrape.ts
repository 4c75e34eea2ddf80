// The `scrape` source: any /metrics page in Prometheus or OpenMetrics text, read at each tick.
// Counters are differenced between reads (resets included); a histogram becomes the requests
// slower than the objective (its _count minus the bucket whose le is the objective) out of all.

import type { MetricConfig } from "../../config/schema-verify.js";
import { FirebreakError } from "../../errors.js";
import { parseExposition, type Series } from "../exposition.js";
import { getText } from "../http.js";
import { matches, parseSelector, seriesKey, type Selector } from "../selector.js";
import { addTo, increments, type Counts, type CumulativeSource, type Reading } from "./source.js";

type ScrapeMetric = Extract<MetricConfig, { source: "scrape" }>;

export interface CountSelectors {
  bad?: Selector;
  good?: Selector;
  total?: Selector;
  histogram?: { selector: Selector; objectiveSeconds: number };
}

export function countSelectors(
  m: { bad?: string; good?: string; total?: string; histogram?: string; objectiveMs?: number },
  where: string,
): CountSelectors {
  const parse = (key: string, text: string | undefined): Selector | undefined => {
    if (text === undefined) return undefined;
    try {
      return parseSelector(text);
    } catch (e) {
      throw new FirebreakError({
        code: "CONFIG_INVALID",
        message: `${where}.${key}: ${(e as Error).message}.`,
        next: "fix .firebreak.yml, then run: firebreak config check",
      });
    }
  };
  const histogram = parse("histogram", m.histogram);
  return {
    bad: parse("bad", m.bad),
    good: parse("good", m.good),
    total: parse("total", m.total),
    ...(histogram ? { histogram: { selector: histogram, objectiveSeconds: (m.objectiveMs ?? 0) / 1000 } } : {}),
  };
}

/** What a metric counts, in words, from its config: "app_errors_total out of app_requests_total". */
export function describeCounts(m: { bad?: string; good?: string; total?: string; histogram?: string; objectiveMs?: number }): string {
  if (m.histogram) return `requests slower than ${m.objectiveMs} ms out of all (${m.histogram})`;
  const what = m.bad ?? `requests not counted by ${m.good}`;
  return m.total ? `${what} out of ${m.total}` : `${what} per second`;
}

const sameLe = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** Turns one page of series into running totals, per stream. */
export function readingFromSeries(series: readonly Series[], sel: CountSelectors, where: string): Reading {
  const reading: Reading = new Map();
  if (sel.histogram) {
    const { selector, objectiveSeconds } = sel.histogram;
    const les = new Set<number>();
    let counted = false;
    for (const s of series) {
      if (matches(selector, s, `${selector.name}_count`)) {
        addTo(reading, "total", seriesKey(s.labels), s.value);
        counted = true;
      } else if (matches(selector, s, `${selector.name}_bucket`)) {
        const le = s.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels.le);
        if (Number.isNaN(le)) continue;
        les.add(le);
        const key = seriesKey(s.labels, ["le"]);
        addTo(reading, `le:${le}`, key, s.value);
        if (sameLe(le, objectiveSeconds)) addTo(reading, "good", key, s.value);
      }
    }
    if (!counted) throw missingSeries(where, `${selector.name}_count`, series);
    if (![...les].some((le) => sameLe(le, objectiveSeconds)))
      throw new FirebreakError({
        code: "VERIFY_NO_BUCKET",
        message: `${where}: ${selector.name} has no bucket at the objective ${objectiveSeconds * 1000} ms.`,
        why: "Requests over the objective are counted exactly from the bucket whose le is the objective.",
        next: `set objectiveMs to one of the buckets: ${[...les]
          .filter(Number.isFinite)
          .sort((a, b) => a - b)
          .map((le) => le * 1000)
          .join(", ")}`,
      });
    return reading;
  }
  let totalSeen = false;
  for (const s of series) {
    for (const stream of ["bad", "good", "total"] as const) {
      const selector = sel[stream];
      if (selector && matches(selector, s)) {
        addTo(reading, stream, seriesKey(s.labels), s.value);
        if (stream === "total") totalSeen = true;
      }
    }
    if (sel.total && s.name === sel.total.name) totalSeen = true;
  }
  if (sel.total && !totalSeen) throw missingSeries(where, sel.total.name, series);
  return reading;
}

function missingSeries(where: string, name: string, series: readonly Series[]): FirebreakError {
  const names = [...new Set(series.map((s) => s.name))].slice(0, 12);
  return new FirebreakError({
    code: "VERIFY_NO_SERIES",
    message: `${where}: the page has no series named ${name}.`,
    next: names.length ? `use one of: ${names.join(", ")}` : "check the URL serves Prometheus text (curl it)",
  });
}

/** Counts between two readings: bad (or total − good) out of total, and the latency buckets. */
export function countsBetween(prev: Reading, cur: Reading, sel: CountSelectors): Counts {
  const inc = increments(prev, cur);
  const total = inc.get("total") ?? 0;
  const bad = sel.histogram || sel.good ? Math.max(0, total - (inc.get("good") ?? 0)) : (inc.get("bad") ?? 0);
  const counts: Counts = { bad, total };
  if (sel.histogram) {
    counts.buckets = [...inc]
      .filter(([k]) => k.startsWith("le:"))
      .map(([k, count]) => ({ le: Number(k.slice(3)), count }))
      .sort((a, b) => a.le - b.le);
  }
  return counts;
}

export function createScrapeSource(
  m: ScrapeMetric,
  url: string,
  headers: Record<string, string>,
  where: string,
  timeoutMs = 5000,
): CumulativeSource {
  const sel = countSelectors(m, where);
  return {
    kind: "cumulative",
    exposure: sel.total || sel.histogram ? "requests" : "seconds",
    describes: describeCounts(m),
    async read() {
      const text = await getText(url, headers, timeoutMs);
      return readingFromSeries(parseExposition(text), sel, where);
    },
    between: (prev, cur) => countsBetween(prev, cur, sel),
  };
}
