// Finds the git common dir and the checked-out branch by reading .git, as git itself would, to
// save `firebreak status` a process spawn. It handles a normal clone and a linked worktree; for
// anything else (GIT_DIR and friends set, a bare repository, an unreadable file) it returns null
// and the caller asks git.

import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

export interface GitLocation {
  commonDir: string;
  branch: string | null; // null when HEAD is detached
}

export function findGitDir(cwd: string, env: NodeJS.ProcessEnv = process.env): GitLocation | null {
  if (env.GIT_DIR || env.GIT_WORK_TREE || env.GIT_COMMON_DIR || env.GIT_CEILING_DIRECTORIES) return null;
  try {
    for (let dir = resolve(cwd); ; dir = dirname(dir)) {
      const dotGit = join(dir, ".git");
      const st = statSync(dotGit, { throwIfNoEntry: false });
      if (st) {
        const gitDir = st.isDirectory() ? dotGit : gitdirFromFile(dotGit, dir);
        if (!gitDir) return null;
        return { commonDir: commonDirOf(gitDir), branch: branchOf(gitDir) };
      }
      if (dirname(dir) === dir) return null;
    }
  } catch {
    return null;
  }
}

// A linked worktree's .git is a file: "gitdir: /path/to/main/.git/worktrees/name".
function gitdirFromFile(file: string, dir: string): string | null {
  const m = /^gitdir: (.+)$/m.exec(readFileSync(file, "utf8"));
  if (!m) return null;
  const p = m[1]!.trim();
  return isAbsolute(p) ? p : resolve(dir, p);
}

// A worktree's git dir names the shared one in its "commondir" file.
function commonDirOf(gitDir: string): string {
  const st = statSync(join(gitDir, "commondir"), { throwIfNoEntry: false });
  if (!st) return gitDir;
  const p = readFileSync(join(gitDir, "commondir"), "utf8").trim();
  return isAbsolute(p) ? p : resolve(gitDir, p);
}

function branchOf(gitDir: string): string | null {
  const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
  return head.startsWith("ref: refs/heads/") ? head.slice("ref: refs/heads/".length) : null;
}
