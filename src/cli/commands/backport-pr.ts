// `firebreak backport --pr N`: the commits the merged pull request landed (backport/pr-commits.ts:
// merge, squash or rebase), as if each were given with --commit; without --to, the targets its
// `backport <branch>` labels ask for (backport/requests.ts, as the Action reads them). On a hosted
// forge each PR opened gets the original's labels, reviewers and milestone (workflow/backport-pr.ts).

import type { App } from "../../app/app.js";
import type { Output } from "../output.js";
import type { Forge, PullRequestFacts } from "../../ports/forge.js";
import { mergedPrCommits, parsePrNumber, type LandedCommits } from "../../backport/pr-commits.js";
import { targetsOfLabels, type ConfiguredTarget } from "../../backport/requests.js";
import { canFinishPrs, finishTargets, reportOf, type ConflictHandling, type TargetReport } from "../../workflow/backport-pr.js";
import type { TargetOutcome } from "../../workflow/backport.js";

export interface PrBackport {
  number: number;
  landed: LandedCommits;
  /** The PR as the forge sees it, when the forge can tell (a hosted one). */
  facts: PullRequestFacts | null;
  /** The targets its labels ask for ([] when none do or the forge cannot tell). */
  labelled: string[];
  forge: Forge;
}

/** The merged PR given as --pr: its landed commits and labelled targets, with the forge the config names. */
export async function prBackport(
  app: App,
  out: Output,
  remote: string,
  raw: unknown,
  configured: readonly ConfiguredTarget[],
): Promise<PrBackport> {
  const number = parsePrNumber(raw);
  const forge = await app.adapters.forge({ log: (l) => out.info(l) });
  const landed = await mergedPrCommits(app.git, forge, remote, number);
  if (landed.note) out.warn(landed.note);
  else out.info(`#${number} landed by ${landed.by}: ${landed.commits.length} commit${landed.commits.length === 1 ? "" : "s"}.`);
  const facts = canFinishPrs(forge) ? await forge.pullRequestFacts(number) : null;
  return { number, landed, facts, labelled: facts ? targetsOfLabels(facts.labels, configured) : [], forge };
}

/** Each target's report, the PRs opened labelled like the original; a conflict stays for --continue, or becomes a draft PR. */
export async function finishPrTargets(
  app: App,
  out: Output,
  remote: string,
  pr: PrBackport,
  outcomes: readonly TargetOutcome[],
  conflicts: ConflictHandling,
): Promise<TargetReport[]> {
  const { forge } = pr;
  if (!pr.facts || !canFinishPrs(forge)) return outcomes.map(reportOf);
  return finishTargets({ git: app.git, forge, remote, log: (l) => out.warn(l) }, pr.facts, outcomes, conflicts);
}
