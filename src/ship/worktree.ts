// A throw-away checkout of one commit, so deploys and reverts never touch the person's work tree:
// what is deployed is exactly the tagged commit, whatever is checked out or uncommitted here.
// Its folder is named firebreak-<purpose>-<pid>-…: a run killed with kill -9 cannot remove it, so
// the next run that takes the lock removes the ones whose process is gone (cleanStaleWorktrees).

import { cp, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Git } from "../ports/git.js";
import { TEMP_WORKTREE_NAME, tempWorktreeDir } from "../adapters/git/temp-worktree.js";

// Platform CLIs keep their project link in these (usually git-ignored) folders.
const LINK_DIRS = [".vercel", ".netlify", ".elasticbeanstalk"];

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes this repository's temporary worktrees whose run has died (its pid, in the folder's
 * name, no longer runs). Returns the folders removed.
 */
export async function cleanStaleWorktrees(git: Git): Promise<string[]> {
  const r = await git.raw(["worktree", "list", "--porcelain"]);
  if (r.code !== 0) return [];
  const removed: string[] = [];
  for (const line of r.stdout.split("\n")) {
    if (!line.startsWith("worktree ")) continue;
    const dir = line.slice("worktree ".length);
    const m = TEMP_WORKTREE_NAME.exec(basename(dir));
    if (!m || running(Number(m[1]))) continue;
    await git.raw(["worktree", "remove", "--force", "--end-of-options", dir]);
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  if (removed.length > 0) await git.raw(["worktree", "prune"]);
  return removed;
}

export async function withWorktree<T>(
  git: Git,
  sha: string,
  fn: (dir: string, wt: Git) => Promise<T>,
  opts: { copyLinksFrom?: string } = {},
): Promise<T> {
  const dir = await tempWorktreeDir("release");
  try {
    await git.git(["worktree", "add", "--detach", "--quiet", "--end-of-options", dir, sha]);
    if (opts.copyLinksFrom) {
      for (const d of LINK_DIRS) {
        const from = join(opts.copyLinksFrom, d);
        if (
          await stat(from).then(
            (s) => s.isDirectory(),
            () => false,
          )
        )
          await cp(from, join(dir, d), { recursive: true });
      }
    }
    return await fn(dir, git.at(dir));
  } finally {
    await git.raw(["worktree", "remove", "--force", "--end-of-options", dir]);
    await rm(dir, { recursive: true, force: true });
    await git.raw(["worktree", "prune"]);
  }
}
