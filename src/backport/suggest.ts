// Which of the remote's branches to suggest as backport targets when none are configured. Version
// lines (4.x, v2.x, release-1.2, 1.2, release-1.x) are ranked by whether they contain the fix's
// parent (they are later than where the fix was made, so the bug is there) and then by how recently
// they moved (a maintained line before one abandoned years ago). Facts come from the local
// remote-tracking refs: two `git for-each-ref`, whatever the number of branches.

import { gitRaw } from "./git-run.js";
import type { BranchFacts } from "./targets.js";

export async function branchFacts(cwd: string, remote: string, names: readonly string[], fixParent: string | null): Promise<BranchFacts[]> {
  const prefix = `refs/remotes/${remote}/`;
  const dates = new Map<string, number>();
  const listed = await gitRaw(cwd, ["for-each-ref", "--format=%(refname)%00%(committerdate:unix)", "--end-of-options", prefix]);
  for (const line of listed.code === 0 ? listed.stdout.split("\n") : []) {
    const [ref = "", date = "0"] = line.split("\0");
    if (ref.startsWith(prefix)) dates.set(ref.slice(prefix.length), Number(date) || 0);
  }
  const containing = new Set<string>();
  if (fixParent !== null) {
    const r = await gitRaw(cwd, ["for-each-ref", "--format=%(refname)", `--contains=${fixParent}`, "--end-of-options", prefix]);
    for (const ref of r.code === 0 ? r.stdout.split("\n") : []) if (ref.startsWith(prefix)) containing.add(ref.slice(prefix.length));
  }
  return names.map((name) => ({ name, date: dates.get(name) ?? 0, containsParent: containing.has(name) }));
}
