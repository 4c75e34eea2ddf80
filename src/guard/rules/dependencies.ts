// A manifest or lock file changed. In package.json only the dependency sections count: a changed
// script or version field is not a dependency change.

import { basename } from "node:path";
import { DEPENDENCY_FILES, PACKAGE_JSON_DEPENDENCY_SECTIONS } from "../defaults.js";
import { matchesAny } from "../glob.js";
import type { Rule, RuleHit } from "./rule.js";

const REMEDY = "Keep dependencies as they are in production; if the bump IS the fix, allow it with the CVE or issue as the reason.";

export const dependencies: Rule = (ctx) => {
  const hits: RuleHit[] = [];
  for (const f of ctx.files) {
    const names = [f.path, ...(f.oldPath ? [f.oldPath] : [])];
    if (names.some((n) => basename(n) === "package.json")) {
      const pair = ctx.changes.manifests[f.path];
      const sections = pair ? changedSections(pair.before, pair.after) : ["(contents unknown)"];
      if (sections.length > 0) hits.push({ file: f.path, message: `dependency sections changed: ${sections.join(", ")}`, remedy: REMEDY });
    } else if (names.some((n) => matchesAny(n, DEPENDENCY_FILES))) {
      hits.push({
        file: f.path,
        message: `${f.status === "deleted" ? "dependency file deleted" : "manifest or lock file changed"}`,
        remedy: REMEDY,
      });
    }
  }
  return hits;
};

/** The dependency sections that differ between two package.json texts; unparseable JSON counts as changed. */
export function changedSections(before: string | null, after: string | null): string[] {
  const a = parse(before);
  const b = parse(after);
  if (a === "invalid" || b === "invalid") return ["(not valid JSON)"];
  const changed = PACKAGE_JSON_DEPENDENCY_SECTIONS.filter((s) => stable(a?.[s]) !== stable(b?.[s]));
  // pnpm keeps overrides under "pnpm"; compare just that part.
  if (stable(sub(a, "pnpm", "overrides")) !== stable(sub(b, "pnpm", "overrides"))) changed.push("pnpm.overrides");
  return changed;
}

type Json = Record<string, unknown>;

function parse(text: string | null): Json | null | "invalid" {
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : "invalid";
  } catch {
    return "invalid";
  }
}

function sub(o: Json | null, k1: string, k2: string): unknown {
  const inner = o?.[k1];
  return inner && typeof inner === "object" ? (inner as Json)[k2] : undefined;
}

/** JSON with sorted keys, so reordering a section is not a change; empty sections equal absent ones. */
function stable(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (Array.isArray(v)) return v.length ? `[${v.map(stable).join(",")}]` : "";
  if (typeof v === "object") {
    const keys = Object.keys(v as Json).sort();
    if (!keys.length) return "";
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stable((v as Json)[k]) || "null"}`).join(",")}}`;
  }
  return JSON.stringify(v);
}
