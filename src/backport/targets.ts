// Which branches the fix is carried to: `--to` when given, else backport.targets in .firebreak.yml.
// Every name is checked before anything runs, so a hostile `--to` never reaches git, the remote or
// the record.

import { assertSafeRef } from "../adapters/git/safety.js";
import { backportBranch } from "../domain/naming.js";
import { E } from "../errors.js";
import type { BackportTarget } from "./types.js";

export interface ConfiguredTarget {
  branch: string;
  short?: string | undefined;
}

/** Names people already use for these branches; anything else keeps its own name. */
const KNOWN_SHORT: Record<string, string> = { "release-candidate": "rc" };

export function defaultShort(branch: string): string {
  return KNOWN_SHORT[branch] ?? branch;
}

/** Names teams give the branches a fix is carried to, best first. */
const LIKELY_TARGETS = [/^release[-_/]?candidate$/, /^rc$/, /^release([-_/].+)?$/, /^develop(ment)?$/, /^dev$/, /^next$/, /^stable([-_/].+)?$/, /^support\/.+$/, /^maint(enance)?([-_/].+)?$/, /^v?\d+\.\d+(\.x)?$/];

/**
 * Up to four branches of the remote worth suggesting as targets when none are configured: those
 * named like release, develop, stable or version branches; never production's branch, a hotfix or
 * a backport branch. Empty when the remote has none of these.
 */
export function suggestTargets(remoteBranches: readonly string[], exclude: readonly string[]): string[] {
  const rank = (b: string) => LIKELY_TARGETS.findIndex((re) => re.test(b));
  return remoteBranches
    .filter((b) => !exclude.includes(b) && !b.startsWith("hotfix/") && !b.startsWith("backport/") && rank(b) >= 0)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .slice(0, 4);
}

/**
 * The targets to work on. `to` holds branch names or configured short names (`rc`); a name not in
 * the config is used as a branch with its default short name.
 */
export async function resolveTargets(
  configured: readonly ConfiguredTarget[],
  to: readonly string[] | undefined,
  ticket: string,
  /** branches to suggest when there are no targets (suggestTargets); none: say where to configure them */
  suggestions: () => Promise<string[]> = async () => [],
): Promise<BackportTarget[]> {
  const fromConfig = configured.map((t) => ({ branch: t.branch, short: t.short ?? defaultShort(t.branch) }));
  let targets: BackportTarget[];
  if (to && to.length > 0) {
    targets = [];
    for (const name of to) {
      await assertSafeRef(name, "--to branch");
      targets.push(fromConfig.find((t) => t.branch === name) ?? fromConfig.find((t) => t.short === name) ?? { branch: name, short: defaultShort(name) });
    }
  } else {
    targets = fromConfig;
  }
  if (targets.length === 0) {
    // Suggest only branches the remote has: a command naming a branch that does not exist fails next.
    const found = await suggestions().catch(() => []);
    throw E.usage(
      `No backport targets: pass --to or list them in .firebreak.yml${found.length ? ` (the remote has ${found.join(", ")})` : ""}.`,
      found.length ? `firebreak backport --plan --to ${found.join(",")}   # or add backport.targets to .firebreak.yml` : "add backport.targets to .firebreak.yml (branch: the branch to carry the fix to), or: firebreak backport --to <branch>",
    );
  }
  const seen = new Map<string, string>();
  for (const t of targets) {
    await assertSafeRef(t.branch, "target branch");
    backportBranch(t.short, ticket); // refuses an unsafe short name or ticket before any git runs
    const other = seen.get(t.short);
    if (other !== undefined && other !== t.branch) throw E.usage(`${other} and ${t.branch} share the short name ${t.short}; set distinct short names in backport.targets.`);
    seen.set(t.short, t.branch);
  }
  // The same branch named twice (by branch and by short name) is one target.
  return targets.filter((t, i) => targets.findIndex((u) => u.branch === t.branch) === i);
}
