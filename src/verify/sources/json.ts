// The `json` source: a URL that answers JSON, and JSON paths to the numbers that count bad events
// and requests. Running totals (the default) are differenced like counters; with
// `cumulative: false` each read is already the count since the previous one.

import type { MetricConfig } from "../../config/schema-verify.js";
import { FirebreakError } from "../../errors.js";
import { getJson } from "../http.js";
import { parseJsonPath, readJsonPath, type PathStep } from "../json-path.js";
import { increments, type Counts, type CumulativeSource, type Reading } from "./source.js";

type JsonMetric = Extract<MetricConfig, { source: "json" }>;

export function createJsonSource(
  m: JsonMetric,
  url: string,
  headers: Record<string, string>,
  where: string,
  timeoutMs = 5000,
): CumulativeSource {
  const paths: Array<[stream: "bad" | "good" | "total", path: string, steps: PathStep[]]> = [];
  for (const stream of ["bad", "good", "total"] as const) {
    const p = m[stream];
    if (p === undefined) continue;
    try {
      paths.push([stream, p, parseJsonPath(p)]);
    } catch (e) {
      throw new FirebreakError({
        code: "CONFIG_INVALID",
        message: `${where}.${stream}: ${(e as Error).message}.`,
        next: "fix .firebreak.yml, then run: firebreak config check",
      });
    }
  }
  const what = m.bad ? m.bad : `not ${m.good}`;
  return {
    kind: "cumulative",
    exposure: m.total ? "requests" : "seconds",
    describes: m.total ? `${what} out of ${m.total}` : `${what} per second`,
    async read(): Promise<Reading> {
      const doc = await getJson(url, headers, timeoutMs);
      const reading: Reading = new Map();
      for (const [stream, path, steps] of paths) {
        const raw = readJsonPath(doc, steps);
        const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
        if (typeof value !== "number" || !Number.isFinite(value))
          throw new Error(`${path} in ${url} is ${raw === undefined ? "missing" : JSON.stringify(raw)}, not a number`);
        reading.set(stream, new Map([["", value]]));
      }
      return reading;
    },
    between(prev: Reading, cur: Reading): Counts {
      const inc = m.cumulative ? increments(prev, cur) : new Map([...cur].map(([k, v]) => [k, v.get("") ?? 0]));
      const total = inc.get("total") ?? 0;
      const bad = m.good !== undefined ? Math.max(0, total - (inc.get("good") ?? 0)) : (inc.get("bad") ?? 0);
      return { bad, total };
    },
  };
}
