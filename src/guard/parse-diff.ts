// Parsers for the two bulk outputs the guard reads: `git diff --raw --numstat -z -M` and a
// `git diff -U0` patch. Pure, so they are tested on strings and timed in the benchmark.

import type { FileStatus, Hunk } from "./changeset.js";

export interface RawEntry {
  path: string;
  oldPath?: string;
  status: FileStatus;
  added: number;
  deleted: number;
  binary: boolean;
}

const STATUS: Record<string, FileStatus> = {
  A: "added",
  M: "modified",
  D: "deleted",
  R: "renamed",
  C: "copied",
  T: "type-changed",
};

/** Raw records (":<modes> <shas> <status>\0path\0[path\0]") followed by numstat records. */
export function parseRawNumstat(out: string): RawEntry[] {
  const tokens = out.split("\0");
  const entries: RawEntry[] = [];
  const byPath = new Map<string, RawEntry>();
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.startsWith(":")) {
      const letter = t.slice(t.lastIndexOf(" ") + 1, t.lastIndexOf(" ") + 2);
      const status = STATUS[letter] ?? "modified";
      const twoPaths = letter === "R" || letter === "C";
      const entry: RawEntry = twoPaths
        ? { path: tokens[i + 2] ?? "", oldPath: tokens[i + 1] ?? "", status, added: 0, deleted: 0, binary: false }
        : { path: tokens[i + 1] ?? "", status, added: 0, deleted: 0, binary: false };
      entries.push(entry);
      byPath.set(entry.path, entry);
      i += twoPaths ? 3 : 2;
      continue;
    }
    const m = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(t);
    if (m) {
      // A rename's numstat is "a\td\t\0old\0new"; otherwise the path follows the counts.
      const path = m[3] === "" ? (tokens[i + 2] ?? "") : m[3]!;
      i += m[3] === "" ? 3 : 1;
      const entry = byPath.get(path);
      if (!entry) continue;
      entry.binary = m[1] === "-";
      entry.added = entry.binary ? 0 : Number(m[1]);
      entry.deleted = entry.binary ? 0 : Number(m[2]);
      continue;
    }
    i += 1;
  }
  return entries;
}

/**
 * Hunks per file from a -U0 patch. Files are keyed by their new path (the old path when deleted),
 * read from the ---/+++ lines, which every section with hunks has. A type change (file ↔ symlink)
 * comes as two sections for one path; their hunks are merged.
 */
export function parsePatch(text: string): Map<string, Hunk[]> {
  const result = new Map<string, Hunk[]>();
  const lines = text.split("\n");
  let minus: string | null = null;
  let current: Hunk[] | null = null;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.startsWith("diff ")) {
      minus = null;
      current = null;
      i += 1;
      continue;
    }
    if (current === null && line.startsWith("--- ")) {
      minus = line.slice(4);
      i += 1;
      continue;
    }
    if (current === null && minus !== null && line.startsWith("+++ ")) {
      const plus = line.slice(4);
      const path = plus === "/dev/null" ? stripPrefix(unquoteGitPath(minus), "a/") : stripPrefix(unquoteGitPath(plus), "b/");
      current = result.get(path) ?? [];
      result.set(path, current);
      i += 1;
      continue;
    }
    const h = current ? /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line) : null;
    if (h && current) {
      const hunk: Hunk = {
        oldStart: Number(h[1]),
        oldCount: h[2] === undefined ? 1 : Number(h[2]),
        newStart: Number(h[3]),
        newCount: h[4] === undefined ? 1 : Number(h[4]),
        removed: [],
        added: [],
      };
      i += 1;
      // Read by the counts in the header, so content that looks like a header is never misread.
      let want = hunk.oldCount + hunk.newCount;
      while (want > 0 && i < lines.length) {
        const l = lines[i]!;
        i += 1;
        if (l.startsWith("\\")) continue; // "\ No newline at end of file"
        if (l.startsWith("-")) hunk.removed.push(l.slice(1));
        else if (l.startsWith("+")) hunk.added.push(l.slice(1));
        else continue;
        want -= 1;
      }
      current.push(hunk);
      continue;
    }
    i += 1;
  }
  return result;
}

function stripPrefix(s: string, prefix: string): string {
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** Undoes git's C-style path quoting ("a/tab\there"), and drops the tab git adds after names with spaces. */
export function unquoteGitPath(s: string): string {
  const name = s.endsWith("\t") ? s.slice(0, -1) : s;
  if (!name.startsWith('"') || !name.endsWith('"') || name.length < 2) return name;
  const bytes: number[] = [];
  const body = Buffer.from(name.slice(1, -1), "utf8");
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b !== 92) {
      bytes.push(b);
      continue;
    }
    const next = String.fromCharCode(body[i + 1] ?? 0);
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.subarray(i + 1, i + 4).toString("latin1"), 8));
      i += 3;
    } else {
      bytes.push(ESCAPES[next] ?? body[i + 1]!);
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
