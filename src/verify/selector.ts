// Series selectors as PromQL writes them: `http_requests_total{status=~"5..",route!="/health"}`.
// The scrape source uses them to pick series out of a /metrics page; the config check uses them to
// refuse a typo before the deploy rather than during it.

import type { Series } from "./exposition.js";

export interface Matcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
  re?: RegExp;
}

export interface Selector {
  name: string;
  matchers: Matcher[];
}

const SELECTOR = /^\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{(.*)\})?\s*$/s;
const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/s;

/** Parses a selector, or throws an Error that says what is wrong with it. */
export function parseSelector(text: string): Selector {
  const m = SELECTOR.exec(text);
  if (!m) throw new Error(`"${text}" is not a series selector: write a metric name, optionally with {label="value"} matchers`);
  const name = m[1]!;
  const matchers: Matcher[] = [];
  let rest = m[2] ?? "";
  while (rest.trim() !== "") {
    const mm = MATCHER.exec(rest);
    if (!mm)
      throw new Error(`cannot read the matchers in "${text}": write label="value", label!="value", label=~"regex" or label!~"regex"`);
    const value = mm[3]!.replace(/\\(.)/g, (_s, c: string) => (c === "n" ? "\n" : c));
    const op = mm[2] as Matcher["op"];
    let re: RegExp | undefined;
    if (op === "=~" || op === "!~") {
      try {
        re = new RegExp(`^(?:${value})$`); // PromQL regexes are anchored
      } catch (e) {
        throw new Error(`"${value}" in "${text}" is not a valid regular expression: ${(e as Error).message}`);
      }
    }
    matchers.push({ label: mm[1]!, op, value, ...(re ? { re } : {}) });
    rest = rest.slice(mm[0].length);
  }
  return { name, matchers };
}

export function matches(sel: Selector, s: Series, name: string = sel.name): boolean {
  if (s.name !== name) return false;
  for (const m of sel.matchers) {
    const v = s.labels[m.label] ?? "";
    const ok = m.op === "=" ? v === m.value : m.op === "!=" ? v !== m.value : m.op === "=~" ? m.re!.test(v) : !m.re!.test(v);
    if (!ok) return false;
  }
  return true;
}

/** A stable key for a series' labels (without `omit`), for differencing counters series by series. */
export function seriesKey(labels: Record<string, string>, omit: readonly string[] = []): string {
  return Object.keys(labels)
    .filter((k) => !omit.includes(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(",");
}
