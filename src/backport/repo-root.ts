// Where backport works from, whichever folder of the repository it is run in: the folder the person
// is in may be a linked worktree, or even the conflict worktree a --continue is about to remove.
// Git runs in the main worktree (everything backport does goes through the shared .git), and the
// configuration is read there when the folder the person is in has none.

import { gitOk } from "./git-run.js";
import { backportDir, isInside } from "./conflict.js";

/** The repository's main worktree (the first `git worktree list` gives), or null for a bare one. */
export async function mainWorktree(cwd: string): Promise<string | null> {
  const out = await gitOk(cwd, ["worktree", "list", "--porcelain"]);
  const first = out.split("\n\n")[0]?.split("\n") ?? [];
  const path = first.find((l) => l.startsWith("worktree "))?.slice("worktree ".length);
  if (path === undefined || first.includes("bare")) return null;
  return path;
}

/**
 * The folder backport runs git in: the top level of the folder the person is in, except inside a
 * backport conflict worktree (under <git common dir>/firebreak/backport/), which is replaced by
 * the main worktree, so nothing later runs in a folder a --continue or --abort removes.
 */
export async function backportRoot(topLevel: string): Promise<{ root: string; main: string; inConflictWorktree: boolean }> {
  const main = (await mainWorktree(topLevel)) ?? topLevel;
  const inConflictWorktree = isInside(topLevel, await backportDir(topLevel));
  return { root: inConflictWorktree ? main : topLevel, main, inConflictWorktree };
}
