// The commits a merged pull request landed on its base, oldest first, as the forge merged it:
//   merge commit  the merge's second parent's side (merges left out: a merge of the base into the
//                 branch is not part of the fix)
//   squash        the one squashed commit (merge_commit_sha)
//   rebase        the PR's commits rewritten onto the base with new SHAs: the last N first-parent
//                 commits up to merge_commit_sha, N being the PR's own commit count
// A squash and a rebase both leave merge_commit_sha with one parent. The PR's own commits (read from
// refs/pull/N/head, which GitHub keeps after the branch is deleted) tell them apart: a rebase keeps
// each commit's author, author date and subject, a squash makes one new commit of all of them.

import type { Git } from "../ports/git.js";
import type { Forge } from "../ports/forge.js";
import { E } from "../errors.js";

export type LandedBy = "merge" | "squash" | "rebase" | "single";

export interface LandedCommits {
  commits: string[]; // oldest first
  by: LandedBy;
  /** Said to the person when the answer rests on a guess (the PR's own commits could not be read). */
  note: string | null;
}

export function parsePrNumber(raw: unknown): number {
  const n = typeof raw === "string" && /^[1-9]\d{0,9}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw E.usage(`--pr ${String(raw)}: a pull request number is a positive whole number.`, "firebreak backport --pr 123 --to release-1.4");
  return n;
}

const SHA = /^[0-9a-f]{40,64}$/;
const shas = (out: string) => out.split("\n").filter((l) => SHA.test(l));
/** What a rebase keeps of a commit and a squash does not: author, author date, subject. */
const identity = async (git: Git, commits: readonly string[]) =>
  commits.length === 0 ? [] : (await git.git(["log", "--no-walk=unsorted", "--format=%an%x00%ae%x00%at%x00%s", ...commits])).split("\n");

export async function mergedPrCommits(git: Git, forge: Pick<Forge, "mergeState">, remote: string, number: number): Promise<LandedCommits> {
  const state = await forge.mergeState(number);
  if (!state.merged || !state.sha)
    throw E.usage(
      `Pull request #${number} is not merged${state.merged ? " (its merge commit is not known)" : ""}: only a merged fix is backported.`,
      `merge #${number} first, or name its commits: firebreak backport --commit <sha> --to <branch>`,
    );
  // The merge commit must be here: fetch every branch head of the remote (a shallow CI checkout has only one).
  await git.fetch(remote).catch(() => undefined);
  const sha = await git.revParse(state.sha);
  const second = await git.revParse(`${sha}^2`).catch(() => null);
  if (second) {
    const commits = shas(await git.git(["rev-list", "--reverse", "--no-merges", "--end-of-options", `${sha}^1..${second}`]));
    if (commits.length === 0)
      throw E.usage(`Pull request #${number} brought no commit of its own to backport.`, "firebreak backport --commit <sha> --to <branch>");
    return { commits, by: "merge", note: null };
  }

  // One parent: squashed or rebased. The PR's own commits say which, and how many.
  const ref = `refs/firebreak/pull/${number}`;
  const head = await git
    .git(["fetch", "--quiet", "--no-tags", remote, `+refs/pull/${number}/head:${ref}`])
    .then(() => git.revParse(ref))
    .catch(() => null);
  if (!head)
    return {
      commits: [sha],
      by: "single",
      note: `The commits of #${number} could not be read (no refs/pull/${number}/head on ${remote}): took its merged commit ${sha.slice(0, 12)} alone. If it was rebase-merged with several commits, name them: firebreak backport --commit <sha> …`,
    };
  const own = shas(await git.git(["rev-list", "--reverse", "--no-merges", "--end-of-options", `${sha}..${head}`]));
  if (own.length <= 1) return { commits: [sha], by: own.length === 1 ? "single" : "squash", note: null };
  const landed = shas(await git.git(["rev-list", "--reverse", "--first-parent", "-n", String(own.length), "--end-of-options", sha]));
  const [a, b] = await Promise.all([identity(git, own), identity(git, landed)]);
  const rebased = landed.length === own.length && a.every((line, i) => line === b[i]);
  return rebased ? { commits: landed, by: "rebase", note: null } : { commits: [sha], by: "squash", note: null };
}
