// The second attempt when the 3-way cherry-pick conflicts: the commit as a mailbox patch
// (git format-patch), applied in a private index.
//   1. git apply -3: on git ≥ 2.40 the first attempt was merge-ort, and apply's own 3-way merge
//      can still land. On older git the first attempt already was `apply --3way`, so it is skipped.
//   2. git apply --ignore-whitespace (no 3-way): the target reformatted the lines around the fix
//      (re-indented, trailing spaces), which makes every 3-way merge conflict while the patch's
//      context still matches once whitespace is ignored. The added lines keep the fix's own
//      whitespace, so the method is reported and a reviewer sees it in the PR.

import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { gitOk } from "./git-run.js";
import { applyInTempIndex, withTempDir, type CommitInfo, type PickOutcome } from "./pick.js";
import type { PickMethod } from "./types.js";

export interface FallbackOptions {
  /** Run apply -3 as well (skip it when the first attempt already was apply --3way). */
  threeWay: boolean;
  /** Allow the whitespace-insensitive attempt. */
  ignoreWhitespace: boolean;
}

export async function patchFallback(cwd: string, onto: string, fix: CommitInfo, opts: FallbackOptions): Promise<PickOutcome> {
  return withTempDir(async (dir) => {
    const out = join(dir, "out");
    await gitOk(cwd, [
      "format-patch",
      "-1",
      "--binary",
      "--no-signature",
      "--no-color",
      "--no-ext-diff",
      "--no-textconv",
      "--no-relative",
      "--src-prefix=a/",
      "--dst-prefix=b/",
      "--zero-commit",
      `--output-directory=${out}`,
      fix.sha,
    ]);
    const name = (await readdir(out)).find((f) => f.endsWith(".patch"));
    if (name === undefined) return { clean: false, files: [] };
    const patch = join(out, name);
    const attempts: Array<[PickMethod, string[]]> = [];
    if (opts.threeWay) attempts.push(["patch-3way", ["--3way"]]);
    if (opts.ignoreWhitespace) attempts.push(["patch-ignore-whitespace", ["--ignore-whitespace"]]);
    let last: PickOutcome = { clean: false, files: [] };
    for (const [method, flags] of attempts) {
      const r = await applyInTempIndex(cwd, dir, onto, patch, flags);
      if (r.clean) return { clean: true, tree: r.tree, method };
      last = r;
    }
    return last;
  });
}
