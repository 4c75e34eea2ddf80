// Offline pull requests share one number sequence per repository, as a forge's do: the incidents'
// own PRs (on the record) and the backport PRs (files under <git common dir>/firebreak/backport-prs).

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Store } from "../../ports.js";

/** The folder that holds the offline backport PRs, one JSON file each. */
export const backportPrDir = (gitCommonDir: string): string => join(gitCommonDir, "firebreak", "backport-prs");

export async function nextOfflinePrNumber(store: Store | null | undefined, gitCommonDir: string): Promise<number> {
  let max = 0;
  const dir = backportPrDir(gitCommonDir);
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    if (!f.endsWith(".json")) continue;
    try {
      const n = (JSON.parse(await readFile(join(dir, f), "utf8")) as { number?: unknown }).number;
      if (typeof n === "number") max = Math.max(max, n);
    } catch {
      // a half-written file is not a number anyone was given
    }
  }
  for (const inc of store ? await store.listIncidents({ all: true }) : []) {
    const pr = (inc.data as { pr?: { number?: unknown } }).pr;
    if (typeof pr?.number === "number") max = Math.max(max, pr.number);
  }
  return max + 1;
}
