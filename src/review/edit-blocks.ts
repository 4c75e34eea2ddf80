// Editable sections in a generated Markdown file. A section is wrapped in markers:
//
//   <!-- firebreak:edit went-well hash=3f9a0c1d2e4b -->
//   …text…
//   <!-- /firebreak:edit went-well -->
//
// `hash` is the hash of the text firebreak wrote there. On a re-run, a section whose text still has
// that hash was not touched by anyone and is regenerated from the record (new facts appear); a
// section whose text changed belongs to people now and is kept exactly as they left it. A section
// the new template no longer has is kept too, at the end, so nothing anyone wrote is ever lost.

import { createHash } from "node:crypto";

const OPEN = /<!--[ \t]*firebreak:edit[ \t]+([A-Za-z0-9_-]+)(?:[ \t]+hash=([0-9a-f]{6,64}))?[ \t]*-->/g;
const closeFor = (id: string) => new RegExp(`<!--[ \\t]*/firebreak:edit(?:[ \\t]+${id})?[ \\t]*-->`, "g");

export interface Block {
  id: string;
  hash?: string;
  content: string;
  /** Offsets in the text: the opening marker's start, the content's start and end, the closing marker's end. */
  start: number;
  contentStart: number;
  contentEnd: number;
  end: number;
}

const normal = (s: string) =>
  s
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .trim();

export const contentHash = (s: string) => createHash("sha256").update(normal(s)).digest("hex").slice(0, 12);

/** Every well-formed block in `text`, in order. An opening marker with no closing one is not a block. */
export function parseBlocks(text: string): Block[] {
  const out: Block[] = [];
  OPEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = OPEN.exec(text))) {
    const id = m[1]!;
    const close = closeFor(id);
    close.lastIndex = m.index + m[0].length;
    const c = close.exec(text);
    if (!c) continue;
    out.push({
      id,
      ...(m[2] ? { hash: m[2] } : {}),
      content: text.slice(m.index + m[0].length, c.index),
      start: m.index,
      contentStart: m.index + m[0].length,
      contentEnd: c.index,
      end: c.index + c[0].length,
    });
    OPEN.lastIndex = c.index + c[0].length;
  }
  return out;
}

const marker = (id: string, content: string, hash: string) =>
  `<!-- firebreak:edit ${id} hash=${hash} -->${content}<!-- /firebreak:edit ${id} -->`;

/** Whether people changed a block since firebreak wrote it. */
export const isEdited = (b: Block) => b.hash === undefined || contentHash(b.content) !== b.hash;

export interface MergeResult {
  text: string;
  kept: string[]; // blocks people had edited: their text stays
  refreshed: string[]; // untouched blocks, regenerated from the record
  orphaned: string[]; // edited blocks the new text has no place for: appended at the end
}

/**
 * Stamps each block of freshly `generated` text with its hash and, when a `previous` version of
 * the file exists, carries over every block people edited.
 */
export function mergeBlocks(generated: string, previous: string | null): MergeResult {
  const old = new Map<string, Block>();
  for (const b of previous ? parseBlocks(previous) : []) if (!old.has(b.id)) old.set(b.id, b);
  const kept: string[] = [];
  const refreshed: string[] = [];
  const seen = new Set<string>();
  let out = "";
  let cursor = 0;
  for (const b of parseBlocks(generated)) {
    out += generated.slice(cursor, b.start);
    cursor = b.end;
    seen.add(b.id);
    const prev = old.get(b.id);
    if (prev && isEdited(prev)) {
      out += marker(b.id, prev.content, prev.hash ?? contentHash(`\u0000${prev.content}`));
      kept.push(b.id);
    } else {
      out += marker(b.id, b.content, contentHash(b.content));
      if (prev) refreshed.push(b.id);
    }
  }
  out += generated.slice(cursor);
  const orphans = [...old.values()].filter((b) => !seen.has(b.id) && isEdited(b));
  if (orphans.length > 0) {
    out = out.trimEnd() + "\n\n## Kept from an earlier version\n\n";
    for (const b of orphans) out += `${marker(b.id, b.content, b.hash ?? contentHash(`\u0000${b.content}`))}\n\n`;
  }
  return { text: out, kept, refreshed, orphaned: orphans.map((b) => b.id) };
}
