// Which targets still need the fix. A target contains a fix commit when the commit is in its
// history, or when an equivalent patch is (`git cherry`: same patch id, e.g. an earlier
// cherry-pick). A backport branch from an earlier run that already carries the fix, locally or
// on the remote, is reused instead of being made twice.

import { Git } from "../adapters/git/git.js";
import { assertSafeRemoteUrl } from "../adapters/git/safety.js";
import { gitOk, gitRaw } from "./git-run.js";

/** The commit a target branch names: the remote-tracking branch first, else the local branch. */
export async function resolveTarget(cwd: string, branch: string, remote: string | undefined): Promise<string | null> {
  const refs = [...(remote ? [`refs/remotes/${remote}/${branch}`] : []), `refs/heads/${branch}`];
  for (const ref of refs) {
    const r = await gitRaw(cwd, ["rev-parse", "-q", "--verify", "--end-of-options", `${ref}^{commit}`]);
    if (r.code === 0) return r.stdout.trim();
  }
  return null;
}

/** True when `commit` or a commit with the same patch is reachable from `tip`. */
export async function containsPatch(cwd: string, tip: string, commit: string): Promise<boolean> {
  const anc = await gitRaw(cwd, ["merge-base", "--is-ancestor", "--end-of-options", commit, tip]);
  if (anc.code === 0) return true;
  if (anc.code !== 1) throw new Error(`git merge-base failed: ${anc.stderr.trim()}`);
  // Lists `commit` with "-" when `tip` has an equivalent change since the two diverged.
  const out = await gitOk(cwd, ["cherry", "--end-of-options", tip, commit, `${commit}^`]);
  return out.split("\n").some((l) => l.startsWith("- "));
}

/** The fix commits a target does not contain yet, in order. */
export async function missingCommits(cwd: string, tip: string, fixCommits: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const c of fixCommits) if (!(await containsPatch(cwd, tip, c))) missing.push(c);
  return missing;
}

/**
 * True when `sha` carries every one of `commits`: by history, by an equal patch, or by a commit
 * since `base` that says "(cherry picked from commit <c>)". The last one is a pick a person had
 * to resolve: its patch differs from the original, and it is still that commit's backport.
 */
export async function carries(cwd: string, sha: string, commits: readonly string[], base?: string): Promise<boolean> {
  let picked: string | undefined;
  for (const c of commits) {
    if (await containsPatch(cwd, sha, c)) continue;
    picked ??= await gitOk(cwd, ["log", "-n", "200", "--format=%B", "--end-of-options", sha, ...(base ? [`^${base}`] : [])]);
    if (!picked.includes(`(cherry picked from commit ${c})`)) return false;
  }
  return true;
}

/** A local backport branch whose history carries every one of `commits`, or null. */
export async function existingBackport(cwd: string, branch: string, commits: readonly string[], base?: string): Promise<string | null> {
  const r = await gitRaw(cwd, ["rev-parse", "-q", "--verify", "--end-of-options", `refs/heads/${branch}^{commit}`]);
  if (r.code !== 0) return null;
  const sha = r.stdout.trim();
  return (await carries(cwd, sha, commits, base)) ? sha : null;
}

/** Local branch state, for a clear refusal instead of overwriting someone's branch. */
export async function localBranchSha(cwd: string, branch: string): Promise<string | null> {
  const r = await gitRaw(cwd, ["rev-parse", "-q", "--verify", "--end-of-options", `refs/heads/${branch}`]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** What the remote has for each backport branch (one ls-remote for all), after checking the remote is safe. */
export async function remoteBranches(cwd: string, remote: string, branches: readonly string[]): Promise<Map<string, string>> {
  const git = new Git(cwd);
  assertSafeRemoteUrl(await git.remoteUrl(remote));
  const refs = branches.map((b) => `refs/heads/${b}`);
  const out = await git.git(["ls-remote", "--end-of-options", remote, ...refs], { remote, timeoutMs: 120_000 });
  const found = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [sha, ref] = line.split("\t");
    if (sha && ref?.startsWith("refs/heads/")) found.set(ref.slice("refs/heads/".length), sha);
  }
  return found;
}
