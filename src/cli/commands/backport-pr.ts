// `firebreak backport --pr N`: the merged pull request's commits (action/pr-commits.ts), as if
// each were given with --commit.

import type { App } from "../../app/app.js";
import { mergedPrCommits, parsePrNumber } from "../../action/pr-commits.js";

/** The commits of the merged PR given as --pr, with the forge the config names. */
export async function prCommits(app: App, remote: string, raw: unknown): Promise<string[]> {
  const number = parsePrNumber(raw);
  const forge = await app.adapters.forge();
  return mergedPrCommits(app.git, forge, remote, number);
}
