// The Prometheus text format (0.0.4) and OpenMetrics 1.0, as any /metrics endpoint serves them:
// one sample per line, `name{label="value",…} value [timestamp] [# exemplar]`. Comments, HELP and
// TYPE lines and `# EOF` carry nothing the watch needs. A line that does not parse is skipped, not
// fatal: one odd series from a library must not blind the whole scrape.

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseValue(text: string): number {
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  return text.trim() === "" ? Number.NaN : Number(text);
}

/** Reads label pairs from `s` starting just after "{"; returns the labels and the index after "}". */
function parseLabels(s: string, start: number): { labels: Record<string, string>; end: number } | null {
  const labels: Record<string, string> = {};
  let i = start;
  for (;;) {
    while (s[i] === " " || s[i] === ",") i++;
    if (s[i] === "}") return { labels, end: i + 1 };
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (!m) return null;
    const key = m[0];
    i += key.length;
    while (s[i] === " ") i++;
    if (s[i] !== "=") return null;
    i++;
    while (s[i] === " ") i++;
    if (s[i] !== '"') return null;
    i++;
    let value = "";
    for (;;) {
      const ch = s[i];
      if (ch === undefined) return null;
      if (ch === "\\") {
        const next = s[i + 1];
        value += next === "n" ? "\n" : (next ?? "");
        i += 2;
        continue;
      }
      if (ch === '"') break;
      value += ch;
      i++;
    }
    i++;
    labels[key] = value;
  }
}

/** Every sample in an exposition, in order. */
export function parseExposition(text: string): Series[] {
  const out: Series[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(line);
    if (!m) continue;
    const name = m[0];
    let i = name.length;
    let labels: Record<string, string> = {};
    if (line[i] === "{") {
      const parsed = parseLabels(line, i + 1);
      if (!parsed) continue;
      labels = parsed.labels;
      i = parsed.end;
    }
    // What follows: value, then maybe a timestamp, then maybe "# {exemplar} value".
    const rest = line.slice(i).split(" # ")[0]!.trim().split(/\s+/);
    const value = parseValue(rest[0] ?? "");
    if (Number.isNaN(value) && rest[0] !== "NaN") continue;
    out.push({ name, labels, value });
  }
  return out;
}
