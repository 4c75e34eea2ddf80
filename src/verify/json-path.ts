// A small JSONPath for config values: `$.a.b`, `$.items[0].count`, `$['odd key']`, `a.b` (the $
// may be left out). Enough to point at one value; filters and wildcards are not needed here.

export type PathStep = string | number;

export function parseJsonPath(path: string): PathStep[] {
  let s = path.trim();
  if (s.startsWith("$")) s = s.slice(1);
  const steps: PathStep[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch === ".") {
      const m = /^[^.[\]]+/.exec(s.slice(i + 1));
      if (!m) throw new Error(`"${path}" is not a JSON path: a name must follow "."`);
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (ch === "[") {
      const rest = s.slice(i);
      const m = /^\[\s*(?:(\d+)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest);
      if (!m) throw new Error(`"${path}" is not a JSON path: write [0], ['name'] or ["name"]`);
      steps.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? m[3] ?? "").replace(/\\(.)/g, "$1"));
      i += m[0].length;
    } else if (i === 0) {
      const m = /^[^.[\]]+/.exec(s)!;
      steps.push(m[0]);
      i += m[0].length;
    } else {
      throw new Error(`"${path}" is not a JSON path: unexpected "${ch}" at ${i + 1}`);
    }
  }
  return steps;
}

/** The value at `path`, or undefined when any step is missing. */
export function readJsonPath(value: unknown, path: string | PathStep[]): unknown {
  const steps = typeof path === "string" ? parseJsonPath(path) : path;
  let cur: unknown = value;
  for (const step of steps) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (typeof step === "number") {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[step];
    } else {
      if (!Object.hasOwn(cur, step)) return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}
