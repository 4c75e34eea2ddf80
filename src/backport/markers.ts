// Conflict markers left in a file. A file that still holds one is never committed: merging
// literal markers is the failure people dread most from backport tools.

import { readFile } from "node:fs/promises";
import { join } from "node:path";

const MARKER = /^(?:<{7}|>{7}|\|{7})(?: |\r?$)|^={7}\r?$/;

/** "path:line" for every marker line in the given files (binary and missing files are skipped). */
export async function findMarkers(root: string, files: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of files) {
    let buf: Buffer;
    try {
      buf = await readFile(join(root, file));
    } catch {
      continue; // deleted as the resolution
    }
    if (buf.subarray(0, 8000).includes(0)) continue;
    const lines = buf.toString("utf8").split("\n");
    for (let i = 0; i < lines.length; i++) if (MARKER.test(lines[i] ?? "")) found.push(`${file}:${i + 1}`);
  }
  return found;
}
