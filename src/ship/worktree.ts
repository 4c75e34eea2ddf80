// A throw-away checkout of one commit, so deploys and reverts never touch the person's work tree:
// what is deployed is exactly the tagged commit, whatever is checked out or uncommitted here.

import { cp, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Git } from "../adapters/git/git.js";

// Platform CLIs keep their project link in these (usually git-ignored) folders.
const LINK_DIRS = [".vercel", ".netlify", ".elasticbeanstalk"];

export async function withWorktree<T>(git: Git, sha: string, fn: (dir: string, wt: Git) => Promise<T>, opts: { copyLinksFrom?: string } = {}): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "firebreak-release-"));
  try {
    await git.git(["worktree", "add", "--detach", "--quiet", "--end-of-options", dir, sha]);
    if (opts.copyLinksFrom) {
      for (const d of LINK_DIRS) {
        const from = join(opts.copyLinksFrom, d);
        if (await stat(from).then((s) => s.isDirectory(), () => false)) await cp(from, join(dir, d), { recursive: true });
      }
    }
    return await fn(dir, new Git(dir));
  } finally {
    await git.raw(["worktree", "remove", "--force", "--end-of-options", dir]);
    await rm(dir, { recursive: true, force: true });
    await git.raw(["worktree", "prune"]);
  }
}
