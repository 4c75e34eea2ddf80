// Offline pull requests share one number sequence per repository, as a forge's do: the incidents'
// own PRs (on the record) and the backport PRs (files under <git common dir>/firebreak/backport-prs).
// A number is given by claiming it: creating <git common dir>/firebreak/pr-numbers/<n> with O_EXCL
// succeeds for exactly one process, so two runs at once never get the same number.

import { mkdir, open, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Store } from "../../ports.js";
import { E } from "../../errors.js";

/** The folder that holds the offline backport PRs, one JSON file each. */
export const backportPrDir = (gitCommonDir: string): string => join(gitCommonDir, "firebreak", "backport-prs");

/** One empty-ish file per number given; a number is never given twice, even if its PR was never written. */
export const prNumberDir = (gitCommonDir: string): string => join(gitCommonDir, "firebreak", "pr-numbers");

/** The highest number any PR of this repository already has, offline or backport, or 0. */
async function highestKnown(store: Store | null | undefined, gitCommonDir: string): Promise<number> {
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
  for (const f of await readdir(prNumberDir(gitCommonDir)).catch(() => [] as string[])) {
    if (/^\d+$/.test(f)) max = Math.max(max, Number(f));
  }
  return max;
}

/** Claims and returns the next free PR number. */
export async function nextOfflinePrNumber(store: Store | null | undefined, gitCommonDir: string): Promise<number> {
  const claims = prNumberDir(gitCommonDir);
  await mkdir(claims, { recursive: true });
  const first = (await highestKnown(store, gitCommonDir)) + 1;
  // Another run may claim the same number between the read above and the claim: take the next one.
  for (let n = first; n < first + 10_000; n++) {
    try {
      const fh = await open(join(claims, String(n)), "wx");
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return n;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  throw E.usage(
    `No free pull request number after ${first + 9_999} in ${claims}.`,
    `ls ${JSON.stringify(claims)}   # remove numbers no PR has`,
  );
}
