// Git for the backport engine: the Git class (argv arrays, protocol limits, no prompts, English
// messages, no inherited repository variables) plus what the engine needs on top: a private
// GIT_INDEX_FILE, so a cherry-pick is computed in a throwaway index without touching the user's
// index or work tree, and no editor, so a cherry-pick in a conflict worktree never stops.

import { Git } from "../adapters/git/git.js";
import { mapGitError } from "../adapters/git/git-errors.js";
import { E } from "../errors.js";

export interface GitCall {
  index?: string; // a private index file
  env?: NodeJS.ProcessEnv; // GIT_AUTHOR_* and the like
  input?: string;
}

export interface GitOut {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function gitRaw(cwd: string, args: readonly string[], call: GitCall = {}): Promise<GitOut> {
  const env = { GIT_EDITOR: "true", ...call.env, ...(call.index ? { GIT_INDEX_FILE: call.index } : {}) };
  return new Git(cwd).raw(args, { env, input: call.input });
}

/** Runs git and returns stdout; a failure throws the mapped FirebreakError. */
export async function gitOk(cwd: string, args: readonly string[], call: GitCall = {}): Promise<string> {
  const r = await gitRaw(cwd, args, call);
  if (r.code !== 0) throw mapGitError({ args, cwd, code: r.code, stderr: r.stderr });
  return r.stdout;
}

export const gitLine = async (cwd: string, args: readonly string[], call: GitCall = {}): Promise<string> =>
  (await gitOk(cwd, args, call)).trim();

let cachedVersion: [number, number] | undefined;

/** git's major.minor, read once per process. */
export async function gitVersion(cwd: string): Promise<[number, number]> {
  if (cachedVersion) return cachedVersion;
  const out = await gitLine(cwd, ["version"]);
  const m = /git version (\d+)\.(\d+)/.exec(out);
  if (!m) throw E.git(`Cannot read the git version from "${out}".`);
  cachedVersion = [Number(m[1]), Number(m[2])];
  return cachedVersion;
}

/**
 * How a pick is computed here:
 *   "merge-base" git ≥ 2.40: merge-tree --write-tree --merge-base
 *   "synthetic"  git 2.38–2.39: merge-tree --write-tree exists but picks its own merge base, so it is
 *                given two throwaway commits whose only common parent has the fix's parent tree
 *   "index"      older git, or FIREBREAK_BACKPORT_FORCE_INDEX=1 (tests): a temporary index
 */
export async function pickMode(cwd: string): Promise<"merge-base" | "synthetic" | "index"> {
  if (process.env.FIREBREAK_BACKPORT_FORCE_INDEX === "1") return "index";
  const [major, minor] = await gitVersion(cwd);
  const at = (m: number) => major > 2 || (major === 2 && minor >= m);
  return at(40) ? "merge-base" : at(38) ? "synthetic" : "index";
}
