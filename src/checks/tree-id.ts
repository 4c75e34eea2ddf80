// Which change the checks ran on: the tree of the work tree as it was (tracked files, staged or
// not, and untracked files .gitignore lets through), built in a throwaway index so the person's own
// index is never touched. Ship compares it with the tree of the commit it releases, so checks that
// passed on an earlier change never vouch for a later one.

import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Git } from "../ports/git.js";

/** `leaveOut`: untracked paths that are not part of the change (the review: workflow/review-files.ts). */
export async function workTreeId(git: Git, leaveOut: readonly string[] = []): Promise<string | null> {
  const index = join(await git.commonDir(), "firebreak", `index-check-${process.pid}`);
  const env = { GIT_INDEX_FILE: index };
  try {
    const head = await git.raw(["rev-parse", "--verify", "--quiet", "HEAD^{tree}"]);
    if (head.code === 0) await git.git(["read-tree", head.stdout.trim()], { env });
    await git.git(["add", "--all", "--", ":(top)", ...leaveOut.map((p) => `:(top,exclude,literal)${p}`)], { env });
    return (await git.git(["write-tree"], { env })).trim();
  } catch {
    return null; // not knowing the tree only means ship cannot count these checks
  } finally {
    await rm(index, { force: true });
  }
}
