// Renames, moves and formatting-only hunks: noise that hides the fix from reviewers.

import type { Hunk } from "../changeset.js";
import type { Rule, RuleHit } from "./rule.js";

export const churn: Rule = (ctx) => {
  const hits: RuleHit[] = [];
  for (const f of ctx.code) {
    if (f.status === "renamed" && f.oldPath !== undefined) {
      hits.push({ file: f.path, message: `renamed or moved from ${f.oldPath}`, remedy: "Keep files where they are; move them in a normal release." });
    }
    const formatting = f.hunks.filter(isWhitespaceOnly).length;
    if (formatting > 0) {
      hits.push({
        file: f.path,
        message: `${formatting} formatting-only hunk${formatting === 1 ? "" : "s"} (whitespace changes)`,
        remedy: "Undo formatting changes (turn off format-on-save for the hotfix); keep only lines the fix needs.",
      });
    }
  }
  return hits;
};

const squash = (lines: string[]) => lines.join("").replace(/\s+/g, "");

/** The hunk changes whitespace only: the same text with spaces, tabs or line breaks moved, or blank lines. */
export function isWhitespaceOnly(h: Hunk): boolean {
  if (h.added.length === 0 && h.removed.length === 0) return false;
  return squash(h.added) === squash(h.removed);
}
