// Canary secrets and the scan that counts where they leaked. A canary is a value put in a secret
// setting; its core is a random string that appears in every part of it (the path of a webhook
// URL, the token without its "Bearer "), so a leak of any part shows as the core. The scan also
// looks for the core in the encodings a service or tool could print: base64 (standard and
// URL-safe, at each of the three alignments it can sit at inside a longer encoded value, as in
// SMTP AUTH PLAIN "\0user\0password" or HTTP Basic "user:password") and URL-encoded.
//
//   const gh = makeCanary("GITHUB_TOKEN", (core) => `ghp_${core}`);
//   const hits = scanCanaries([gh], { strings: { stdout: r.stdout }, folders: [fx.root] });
//   expect(hits).toEqual([]);

import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Canary {
  /** Where it is set (a variable name), for the report. */
  name: string;
  /** The value as set. */
  value: string;
  /** The random part every form of the value shares. */
  core: string;
  /** What the scan looks for: the core and its encodings. */
  needles: string[];
}

export interface Occurrence {
  canary: string;
  /** "stdout", "--json", or a file's path. */
  place: string;
  /** Which form was found: "core", "base64", "base64url", "url-encoded". */
  form: string;
  count: number;
}

/** A canary whose value `build` makes around a fresh random core (letters and digits, 24 long). */
export function makeCanary(name: string, build: (core: string) => string = (core) => core): Canary {
  const core = `Cn${name.replace(/[^A-Za-z0-9]/g, "").slice(0, 6)}${randomBytes(12).toString("hex")}Q`;
  return { name, value: build(core), core, needles: needlesFor(core) };
}

/** The core and its encodings; each base64 form is the part that does not depend on neighbouring bytes. */
export function needlesFor(core: string): string[] {
  const out = new Set<string>([core, encodeURIComponent(core)]);
  const bytes = Buffer.from(core, "utf8");
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), bytes])
      .toString("base64")
      .replace(/=+$/, "");
    const stable = b64.slice(k === 0 ? 0 : k + 1, Math.floor(((k + bytes.length) * 8) / 6));
    out.add(stable);
    out.add(stable.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return [...out];
}

function formOf(canary: Canary, needle: string): string {
  if (needle === canary.core) return "core";
  if (needle === encodeURIComponent(canary.core)) return "url-encoded";
  return /[-_]/.test(needle) ? "base64url" : "base64";
}

function count(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Every regular file under `dir` (symbolic links are not followed), bounded in count. */
export function filesUnder(dir: string, limit = 20_000): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      if (out.length >= limit) return;
      const p = join(d, name);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Counts each canary's forms in each place: named strings (stdout, stderr, --json) and every file
 * under the given folders, read as bytes (a database file, logs, reviews, .eml, a status page).
 * Returns only the places where something was found; an empty list means no leak.
 */
export function scanCanaries(
  canaries: readonly Canary[],
  places: { strings?: Record<string, string>; folders?: readonly string[]; files?: readonly string[] },
): Occurrence[] {
  const found: Occurrence[] = [];
  const look = (place: string, text: string) => {
    for (const c of canaries)
      for (const needle of c.needles) {
        const n = count(text, needle);
        if (n > 0) found.push({ canary: c.name, place, form: formOf(c, needle), count: n });
      }
  };
  for (const [place, text] of Object.entries(places.strings ?? {})) look(place, text);
  const files = [...(places.files ?? []), ...(places.folders ?? []).flatMap((d) => filesUnder(d))];
  // latin1 keeps every byte as one character, so text inside a binary file (SQLite pages) is found.
  for (const file of files) look(file, readFileSync(file).toString("latin1"));
  return found;
}

/** The occurrences as lines for an assertion message. */
export const describeOccurrences = (found: readonly Occurrence[]): string =>
  found.map((o) => `${o.canary} (${o.form}) ×${o.count} in ${o.place}`).join("\n");
