// Files far from the rest of the change: in a different top-level area than most of it.

import type { FileChange } from "../changeset.js";
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

export const spread: Rule = (ctx) => {
  const weight = new Map<string, { lines: number; files: number }>();
  const placed: Array<[FileChange, string]> = [];
  for (const f of ctx.code) {
    const area = areaOf(f.path);
    if (area === null) continue;
    placed.push([f, area]);
    const w = weight.get(area) ?? { lines: 0, files: 0 };
    w.lines += f.added + f.deleted;
    w.files += 1;
    weight.set(area, w);
  }
  if (weight.size < 2) return [];
  const [main] = [...weight.entries()].sort(
    (a, b) => b[1].lines - a[1].lines || b[1].files - a[1].files || (a[0] < b[0] ? -1 : 1),
  )[0]!;
  return placed
    .filter(([, area]) => area !== main)
    .map(([f, area]) => ({
      file: f.path,
      message: `in ${area}, away from the rest of the change in ${main}`,
      remedy: "Leave unrelated areas alone; if this file is part of the fix, say why in the override reason.",
    }));
};
