// New exported symbols in JS/TS smell of a feature, not a fix: in export lists over many lines,
// CommonJS objects and declaration files too (see ../exports.ts).

import type { FileChange } from "../changeset.js";
import { exportsOf, JS_TS, textBefore } from "../exports.js";
import type { Rule, RuleHit } from "./rule.js";

const DECLARATION =
  /^\s*export\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\s*\*?|class|const|let|var|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/;
const DEFAULT = /^\s*export\s+default\b/;
const LIST = /^\s*export\s+(?:type\s+)?\{([^}]*)\}/;
const STAR_AS = /^\s*export\s+\*\s+as\s+([A-Za-z_$][\w$]*)/;
const COMMONJS = /^\s*(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=/;

/** The names a line exports, or [] when it exports nothing. */
export function exportedNames(line: string): string[] {
  let m = DECLARATION.exec(line);
  if (m) return [m[1]!];
  if (DEFAULT.test(line)) return ["default"];
  m = LIST.exec(line);
  if (m) {
    return m[1]!
      .split(",")
      .map((part) => part.trim().replace(/^type\s+/, ""))
      .filter((part) => part !== "")
      .map((part) =>
        part
          .split(/\s+as\s+/)
          .pop()!
          .trim(),
      );
  }
  m = STAR_AS.exec(line) ?? COMMONJS.exec(line);
  if (m) return [m[1]!];
  return [];
}

/**
 * The names the change starts exporting. With the file's whole text (or a new file, whose text is
 * its added lines) the exports before and after are compared; otherwise line by line.
 */
export function newExports(f: FileChange, textAfter?: string): string[] {
  const whole = f.status === "added" || f.status === "untracked" ? f.addedLines.join("\n") : textAfter;
  const before = whole === undefined ? null : f.status === "added" || f.status === "untracked" ? "" : textBefore(whole, f.hunks);
  if (whole !== undefined && before !== null) {
    const old = exportsOf(before, f.oldPath ?? f.path);
    return [...exportsOf(whole, f.path)].filter((name) => !old.has(name));
  }
  const removed = new Set(f.hunks.flatMap((h) => h.removed.flatMap(exportedNames)));
  const added = new Set(f.addedLines.flatMap(exportedNames));
  return [...added].filter((name) => !removed.has(name));
}

export const publicApi: Rule = (ctx) => {
  const hits: RuleHit[] = [];
  for (const f of ctx.code) {
    if (!JS_TS.test(f.path) || f.status === "deleted") continue;
    const names = newExports(f, ctx.changes.sources?.[f.path]);
    if (names.length) {
      hits.push({
        file: f.path,
        message: `new export${names.length === 1 ? "" : "s"}: ${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}`,
        remedy: "Fix inside the existing interface; add new API in a normal release.",
      });
    }
  }
  return hits;
};
