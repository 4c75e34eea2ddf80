// Renames, moves and formatting-only hunks: noise that hides the fix from reviewers.

import type { FileChange, Hunk } from "../changeset.js";
import type { Rule, RuleHit } from "./rule.js";

export const churn: Rule = (ctx) => {
  const hits: RuleHit[] = [];
  for (const f of ctx.code) {
    if (f.status === "renamed" && f.oldPath !== undefined) {
      hits.push({
        file: f.path,
        message: `renamed or moved from ${f.oldPath}`,
        remedy: "Keep files where they are; move them in a normal release.",
      });
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
  // A change whose every non-test file only moves whitespace fixes nothing: it blocks.
  const formattingOnly = ctx.code.length > 0 && ctx.code.every(isFormattingOnly);
  if (formattingOnly) {
    hits.push({
      message: `the change outside tests is formatting only (${ctx.code.length} file${ctx.code.length === 1 ? "" : "s"}, whitespace changes only): it fixes nothing`,
      remedy: "Make the fix itself; leave formatting for a normal release.",
      blocks: true,
    });
  }
  return hits;
};

/** Every hunk of the file changes whitespace only (a file added, deleted or binary is never formatting). */
export function isFormattingOnly(f: FileChange): boolean {
  if (f.binary || f.hunks.length === 0 || (f.status !== "modified" && f.status !== "renamed")) return false;
  return f.hunks.every(isWhitespaceOnly) || squash(f.hunks.flatMap((h) => h.removed)) === squash(f.hunks.flatMap((h) => h.added));
}

const squash = (lines: string[]) => lines.join("").replace(/\s+/g, "");

/** The hunk changes whitespace only: the same text with spaces, tabs or line breaks moved, or blank lines. */
export function isWhitespaceOnly(h: Hunk): boolean {
  if (h.added.length === 0 && h.removed.length === 0) return false;
  return squash(h.added) === squash(h.removed);
}
