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

/** What is known of a remote branch when ranking it: its tip's commit time, and whether it has the fix's parent. */
export interface BranchFacts {
  name: string;
  date?: number; // unix seconds; 0 when unknown
  containsParent?: boolean;
}

/**
 * Names teams give the branches a fix is carried to, best tier first. Version lines are a tier of
 * their own, ranked by the facts: `4.x`, `v2.x`, `1.4.x`, `1.2`, `v2.0`, `release-1.2`,
 * `release/2.3`, `release-1.x`, `maint-3` (not `release-branch-diagram`).
 */
const VERSION_LINE =
  /^(?:(?:release|releases|maint|maintenance|support|stable)[-_/])?v?\d+(?:\.(?:\d+|x))+$|^(?:release|releases|maint|maintenance|support|stable)[-_/]v?\d+(?:[-_.]\d+)*$/;
const TIERS: RegExp[][] = [
  [/^release[-_/]?candidate$/, /^rc$/],
  [/^develop(ment)?$/, /^dev$/, /^next$/],
  [VERSION_LINE],
  [/^release$/, /^stable$/, /^support\/.+$/, /^maint(enance)?$/],
];

function tierOf(b: string): number {
  return TIERS.findIndex((res) => res.some((re) => re.test(b)));
}

/** 5.x before 4.x, 1.10 before 1.9: numbers compared as numbers, highest first. */
function versionDesc(a: string, b: string): number {
  const nums = (s: string) => (s.match(/\d+/g) ?? []).map(Number);
  const x = nums(a);
  const y = nums(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (y[i] ?? -1) - (x[i] ?? -1);
  return 0;
}

/**
 * Up to four branches of the remote worth suggesting as targets when none are configured:
 * release candidates, develop, version lines (those with the fix's parent first, then the most
 * recently moved), then release, stable or support branches; never production's branch, a hotfix
 * or a backport branch. Empty when the remote has none of these.
 */
export function suggestTargets(remoteBranches: readonly (string | BranchFacts)[], exclude: readonly string[]): string[] {
  const facts = remoteBranches.map((b): BranchFacts => (typeof b === "string" ? { name: b } : b));
  return facts
    .filter((b) => !exclude.includes(b.name) && !b.name.startsWith("hotfix/") && !b.name.startsWith("backport/") && tierOf(b.name) >= 0)
    .sort(
      (a, b) =>
        tierOf(a.name) - tierOf(b.name) ||
        Number(b.containsParent ?? false) - Number(a.containsParent ?? false) ||
        (b.date ?? 0) - (a.date ?? 0) ||
        versionDesc(a.name, b.name) ||
        a.name.localeCompare(b.name),
    )
    .slice(0, 4)
    .map((b) => b.name);
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
  /** The command that plans a backport to these branches, with the flags this run was given. */
  planCommand: (to: string[]) => string = (to) => `firebreak backport --plan --to ${to.join(",")}`,
): Promise<BackportTarget[]> {
  const fromConfig = configured.map((t) => ({ branch: t.branch, short: t.short ?? defaultShort(t.branch) }));
  let targets: BackportTarget[];
  if (to && to.length > 0) {
    targets = [];
    for (const name of to) {
      await assertSafeRef(name, "--to branch");
      targets.push(
        fromConfig.find((t) => t.branch === name) ??
          fromConfig.find((t) => t.short === name) ?? { branch: name, short: defaultShort(name) },
      );
    }
  } else {
    targets = fromConfig;
  }
  if (targets.length === 0) {
    // Suggest only branches the remote has: a command naming a branch that does not exist fails next.
    const found = await suggestions().catch(() => []);
    throw E.usage(
      `No backport targets: pass --to or list them in .firebreak.yml${found.length ? ` (the remote has ${found.join(", ")})` : ""}.`,
      found.length
        ? `${planCommand(found)}   # or add backport.targets to .firebreak.yml`
        : "add backport.targets to .firebreak.yml (branch: the branch to carry the fix to), or: firebreak backport --to <branch>",
    );
  }
  const seen = new Map<string, string>();
  for (const t of targets) {
    await assertSafeRef(t.branch, "target branch");
    backportBranch(t.short, ticket); // refuses an unsafe short name or ticket before any git runs
    const other = seen.get(t.short);
    if (other !== undefined && other !== t.branch)
      throw E.usage(`${other} and ${t.branch} share the short name ${t.short}; set distinct short names in backport.targets.`);
    seen.set(t.short, t.branch);
  }
  // The same branch named twice (by branch and by short name) is one target.
  return targets.filter((t, i) => targets.findIndex((u) => u.branch === t.branch) === i);
}
