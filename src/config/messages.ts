// Wording of config problems: zod issues in plain words, "did you mean", positions in order.

import type * as z from "zod";

export type Path = (string | number)[];

/** The yaml package's first line, without the position we already print in front. */
export const yamlMessage = (m: string) => (m.split("\n")[0] ?? "YAML syntax error").replace(/ at line \d+, column \d+:?$/, "");

/** Messages for zod issues that have no message of their own in the schema. */
export function issueMessage(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case "invalid_type":
      if (iss.input === undefined) return "is required";
      if (iss.expected === "int") return `must be a whole number, not ${describe(iss.input)}`;
      return `must be ${article(String(iss.expected))}, not ${describe(iss.input)}`;
    case "invalid_value":
      return `${JSON.stringify(iss.input)} is not allowed (valid: ${iss.values.map(String).join(", ")})`;
    case "too_small":
      if (iss.origin === "array") return `must list at least ${String(iss.minimum)} item${Number(iss.minimum) === 1 ? "" : "s"}`;
      if (iss.origin === "string") return "must not be empty";
      return `must be at least ${String(iss.minimum)}`;
    case "too_big":
      if (iss.origin === "array") return `must list at most ${String(iss.maximum)} items`;
      return `must be at most ${String(iss.maximum)}`;
    case "invalid_format":
      return `is not a valid ${iss.format}`;
    default:
      return undefined;
  }
}

export function unknownKeyMessage(key: string, valid: string[]): string {
  const near = closest(key, valid);
  return `unknown key ${JSON.stringify(key)}${near ? ` (did you mean ${near}?)` : ""}${valid.length ? ` (valid: ${valid.join(", ")})` : ""}`;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  // Short keys are close to everything (P4 is one edit from P0): suggest only what is clearly a typo.
  return bestD <= Math.max(1, Math.floor(word.length / 3)) && bestD < word.length / 2 ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

const article = (w: string) => (/^[aeiou]/.test(w) ? `an ${w}` : `a ${w}`);

export function describe(v: unknown): string {
  if (v === null) return "nothing";
  if (Array.isArray(v)) return "list";
  if (typeof v === "object") return "mapping";
  if (typeof v === "string") return "text";
  return typeof v;
}

export const formatPath = (path: Path) => path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");

export function sortByPosition(lines: string[]): string[] {
  const pos = (l: string) => {
    const m = /:(\d+):(\d+)/.exec(l);
    return m ? Number(m[1]) * 100_000 + Number(m[2]) : 0;
  };
  return [...lines].sort((a, b) => pos(a) - pos(b));
}
