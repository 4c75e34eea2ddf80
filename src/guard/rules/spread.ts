// Files far from the rest of the change: in a different top-level area than most of it.

import { basename } from "node:path";
import type { FileChange } from "../changeset.js";
import { DEPENDENCY_FILES } from "../defaults.js";
import { matchesAny } from "../glob.js";
import type { Rule } from "./rule.js";

// Folders that hold many separate areas: their child is the area (packages/api, services/billing).
const CONTAINERS = new Set(["packages", "apps", "services", "libs", "modules", "crates", "plugins", "cmd"]);
const TEST_DIRS = new Set(["test", "tests", "__tests__", "spec"]);

export function areaOf(path: string): string | null {
  const parts = path.split("/");
  if (parts.length === 1) return "(root)";
  if (TEST_DIRS.has(parts[0]!)) return null; // a test folder beside the code is never spread
  if (CONTAINERS.has(parts[0]!) && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0]!;
}

// Files that ride along with a fix (a changelog entry, a lock file, notes): however many lines
// they carry, the code decides where the change is, so they are the ones named as away from it.
const CHANGELOG = /^(?:change[-_ ]?log|changes|history|news|release[-_ ]?notes|releases)(?:\.[\w.-]+)?$/i;
const NOTES = /\.(?:md|markdown|rst|adoc|txt)$/i;

export function isSupporting(path: string): boolean {
  const name = basename(path);
  return CHANGELOG.test(name) || NOTES.test(name) || matchesAny(path, DEPENDENCY_FILES);
}

export const spread: Rule = (ctx) => {
  const weight = new Map<string, { code: number; lines: number; files: number }>();
  const placed: Array<[FileChange, string]> = [];
  for (const f of ctx.code) {
    const area = areaOf(f.path);
    if (area === null) continue;
    placed.push([f, area]);
    const w = weight.get(area) ?? { code: 0, lines: 0, files: 0 };
    if (!isSupporting(f.path)) w.code += f.added + f.deleted + 1; // +1: a code file counts even when it only renames
    w.lines += f.added + f.deleted;
    w.files += 1;
    weight.set(area, w);
  }
  if (weight.size < 2) return [];
  const [main] = [...weight.entries()].sort(
    (a, b) => b[1].code - a[1].code || b[1].lines - a[1].lines || b[1].files - a[1].files || (a[0] < b[0] ? -1 : 1),
  )[0]!;
  return placed
    .filter(([, area]) => area !== main)
    .map(([f, area]) => ({
      file: f.path,
      message: `in ${area}, away from the rest of the change in ${main}`,
      remedy: "Leave unrelated areas alone; if this file is part of the fix, say why in the override reason.",
    }));
};
