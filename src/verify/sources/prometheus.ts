// The `prometheus` source: the HTTP API (/api/v1/query and /api/v1/query_range). Each expression
// (bad, good, total: PromQL that returns counters, e.g. http_requests_total{code=~"5.."}) is read
// raw and differenced series by series, as a scrape would be, so counter resets and missing
// scrapes count exactly; query_range gives the baseline before the deploy at the watch's interval.
// A histogram is read from its _bucket and _count series.
// All of a metric's expressions go in one query (each tagged by label_replace, joined by `or`), so
// they are evaluated against the same ingested data: two queries could fall either side of a
// scrape, and a total one scrape behind its bad count reads as a burst of errors or slow requests.

import type { MetricConfig } from "../../config/schema-verify.js";
import { FirebreakError } from "../../errors.js";
import { getJson, HttpFailure } from "../http.js";
import { parseSelector, seriesKey, type Selector } from "../selector.js";
import { countsBetween, describeCounts, type CountSelectors } from "./scrape.js";
import { addTo, type Counts, type CumulativeSource, type Reading } from "./source.js";

type PrometheusMetric = Extract<MetricConfig, { source: "prometheus" }>;

interface PromSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

interface Query {
  stream: "bad" | "good" | "total" | "buckets";
  promql: string;
}

function selectorText(sel: Selector, name: string): string {
  const m = sel.matchers.map((x) => `${x.label}${x.op}${JSON.stringify(x.value)}`).join(",");
  return `${name}{${m}}`;
}

export function prometheusQueries(m: Pick<PrometheusMetric, "bad" | "good" | "total" | "histogram">): Query[] {
  if (m.histogram) {
    const sel = parseSelector(m.histogram);
    return [
      { stream: "total", promql: selectorText(sel, `${sel.name}_count`) },
      { stream: "buckets", promql: selectorText(sel, `${sel.name}_bucket`) },
    ];
  }
  const out: Query[] = [];
  for (const stream of ["bad", "good", "total"] as const) {
    const q = m[stream];
    if (q !== undefined) out.push({ stream, promql: q });
  }
  return out;
}

const seconds = (d: Date): string => (d.getTime() / 1000).toFixed(3);

/** The label that says which expression a series came from in the combined query. */
export const STREAM_LABEL = "firebreak_stream";

/** One PromQL expression for all of a metric's queries: each tagged with its stream, joined by `or`. */
export function combinedQuery(queries: readonly Query[]): string {
  return queries.map((q) => `label_replace((${q.promql}), "${STREAM_LABEL}", "${q.stream}", "", "")`).join(" or ");
}

export function createPrometheusSource(
  m: PrometheusMetric,
  server: string,
  headers: Record<string, string>,
  where: string,
  timeoutMs = 10_000,
): CumulativeSource {
  const base = server.replace(/\/+$/, "");
  let queries: Query[];
  try {
    queries = prometheusQueries(m);
  } catch (e) {
    throw new FirebreakError({ code: "CONFIG_INVALID", message: `${where}.histogram: ${(e as Error).message}.` });
  }
  const combined = combinedQuery(queries);
  // What a person wrote, for messages: the combined query is ours.
  const expressions = queries.map((q) => q.promql).join(" and ");
  const objective = (m.objectiveMs ?? 0) / 1000;
  const sel: CountSelectors = m.histogram
    ? { histogram: { selector: parseSelector(m.histogram), objectiveSeconds: objective } }
    : {
        ...(m.bad ? { bad: { name: "bad", matchers: [] } } : {}),
        ...(m.good ? { good: { name: "good", matchers: [] } } : {}),
        ...(m.total ? { total: { name: "total", matchers: [] } } : {}),
      };

  const api = async (path: string, params: Record<string, string>): Promise<{ resultType: string; result: PromSeries[] }> => {
    const url = `${base}${path}?${new URLSearchParams(params).toString()}`;
    let doc: unknown;
    try {
      doc = await getJson(url, headers, timeoutMs);
    } catch (e) {
      // Prometheus answers a bad query with 400/422 and {status:"error"}: it will never work, so stop.
      if (e instanceof HttpFailure && (e.status === 400 || e.status === 422))
        throw new FirebreakError({
          code: "VERIFY_QUERY_INVALID",
          message: `${where}: Prometheus refused the query for ${expressions}: ${e.message}`,
          next: "try the query in Prometheus' expression browser, fix .firebreak.yml, then run the same command again",
        });
      throw e;
    }
    const d = doc as { status?: string; error?: string; data?: { resultType?: string; result?: PromSeries[] } };
    if (d.status !== "success" || !d.data || !Array.isArray(d.data.result))
      throw new HttpFailure(`Prometheus answered ${d.status ?? "nothing"}${d.error ? `: ${d.error}` : ""}`);
    if (d.data.resultType !== "vector" && d.data.resultType !== "matrix")
      throw new FirebreakError({
        code: "VERIFY_QUERY_INVALID",
        message: `${where}: ${expressions} returns a ${d.data.resultType}, not series of counters.`,
      });
    return { resultType: d.data.resultType, result: d.data.result };
  };

  /** Adds one series of the combined query to a reading, under its stream (buckets: one stream per le). */
  const put = (reading: Reading, tagged: Record<string, string>, value: number) => {
    const { [STREAM_LABEL]: stream, ...labels } = tagged;
    const q = queries.find((x) => x.stream === stream);
    if (!q) return;
    if (q.stream !== "buckets") return addTo(reading, q.stream, seriesKey(labels), value);
    const le = labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(labels.le);
    if (Number.isNaN(le)) return;
    const key = seriesKey(labels, ["le"]);
    addTo(reading, `le:${le}`, key, value);
    if (le === objective || Math.abs(le - objective) <= 1e-9 * Math.max(1, objective)) addTo(reading, "good", key, value);
  };

  const checkObjective = (reading: Reading) => {
    if (!m.histogram) return;
    const les = [...reading.keys()].filter((k) => k.startsWith("le:")).map((k) => Number(k.slice(3)));
    if (les.length > 0 && !reading.has("good"))
      throw new FirebreakError({
        code: "VERIFY_NO_BUCKET",
        message: `${where}: ${m.histogram} has no bucket at the objective ${m.objectiveMs} ms.`,
        next: `set objectiveMs to one of the buckets: ${les
          .filter(Number.isFinite)
          .sort((a, b) => a - b)
          .map((le) => le * 1000)
          .join(", ")}`,
      });
  };

  return {
    kind: "cumulative",
    exposure: m.total || m.histogram ? "requests" : "seconds",
    describes: describeCounts(m),
    async read() {
      const reading: Reading = new Map();
      const { result } = await api("/api/v1/query", { query: combined, time: seconds(new Date()) });
      for (const s of result) if (s.value) put(reading, s.metric, Number(s.value[1]));
      checkObjective(reading);
      return reading;
    },
    between: (prev, cur) => countsBetween(prev, cur, sel),
    async history(from, to, stepSeconds) {
      const step = Math.max(0.001, stepSeconds);
      const points = Math.floor((to.getTime() - from.getTime()) / 1000 / step);
      if (points < 1) return [];
      // Prometheus answers at most 11,000 points per series: widen the step rather than fail.
      const used = points > 10_000 ? (to.getTime() - from.getTime()) / 1000 / 10_000 : step;
      const readings: Reading[] = [];
      const { result } = await api("/api/v1/query_range", {
        query: combined,
        start: seconds(from),
        end: seconds(to),
        step: used.toFixed(3),
      });
      for (const s of result) {
        for (const [ts, v] of s.values ?? []) {
          const i = Math.round((ts - from.getTime() / 1000) / used);
          if (i < 0) continue;
          while (readings.length <= i) readings.push(new Map());
          put(readings[i]!, s.metric, Number(v));
        }
      }
      const out: Counts[] = [];
      for (let i = 1; i < readings.length; i++) out.push(countsBetween(readings[i - 1]!, readings[i]!, sel));
      return out;
    },
  };
}
