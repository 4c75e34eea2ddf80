// Counts canary secrets in text and files, in the forms a leak takes: the value itself, any part
// of it (each canary carries a unique core, so a URL's path, a token without its "Bearer ", a
// last segment all contain it), URL-encoded, and base64 (of the core at each alignment, so a
// base64 of any string holding it is found, e.g. SMTP's AUTH PLAIN).

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Substrings of base64(x) that appear in base64 of any text containing x, whatever the offset. */
function base64Cores(core: string): string[] {
  const out: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const b = Buffer.from("\0".repeat(pad) + core).toString("base64");
    // Drop the characters that depend on the bytes around the core.
    const start = Math.ceil((pad * 4) / 3) + 1;
    const end = Math.floor(((pad + core.length) * 4) / 3) - 1;
    out.push(b.slice(start, end));
  }
  return out;
}

export interface Canary {
  name: string;
  core: string;
}

export function forms(c: Canary): string[] {
  return [c.core, encodeURIComponent(c.core), ...base64Cores(c.core)];
}

export function count(text: string, c: Canary): number {
  let n = 0;
  for (const f of new Set(forms(c))) n += text.split(f).length - 1;
  return n;
}

/** Every file under `dir` (git's object store aside: compressed, and only what was committed). */
export function filesUnder(dir: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const rel = relative(dir, full);
      if (skip(rel) || /(^|\/)\.git\/objects$/.test(rel) || /\.git\/objects$/.test(full) || rel.endsWith("origin.git/objects")) continue;
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) out.push(full);
    }
  };
  walk(dir);
  return out;
}

export interface Hit {
  where: string;
  canary: string;
  n: number;
}

export function scan(sinks: Record<string, string | Buffer>, canaries: Canary[]): Hit[] {
  const hits: Hit[] = [];
  for (const [where, content] of Object.entries(sinks)) {
    const text = typeof content === "string" ? content : content.toString("latin1");
    for (const c of canaries) {
      const n = count(text, c);
      if (n) hits.push({ where, canary: c.name, n });
    }
  }
  return hits;
}

export const readAll = (files: string[]): Record<string, Buffer> => Object.fromEntries(files.map((f) => [f, readFileSync(f)]));
