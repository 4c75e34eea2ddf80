// The commits a merged pull request brought to its base, oldest first,
// found from the forge's merge commit. A merge commit brings its second parent's side (merges left
// out: a merge of the base into the branch is not part of the fix); a squash brings itself.

import type { Git } from "../ports/git.js";
import type { Forge } from "../ports/forge.js";
import { E } from "../errors.js";

export function parsePrNumber(raw: unknown): number {
  const n = typeof raw === "string" && /^[1-9]\d{0,9}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw E.usage(`--pr ${String(raw)}: a pull request number is a positive whole number.`, "firebreak backport --pr 123 --to release-1.4");
  return n;
}

export async function mergedPrCommits(git: Git, forge: Forge, remote: string, number: number): Promise<string[]> {
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
  if (!second) return [sha];
  const out = await git.git(["rev-list", "--reverse", "--no-merges", "--end-of-options", `${sha}^1..${second}`]);
  const commits = out.split("\n").filter((l) => /^[0-9a-f]{40,64}$/.test(l));
  if (commits.length === 0)
    throw E.usage(`Pull request #${number} brought no commit of its own to backport.`, "firebreak backport --commit <sha> --to <branch>");
  return commits;
}
