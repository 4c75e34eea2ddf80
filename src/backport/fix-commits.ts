// The commits that make up an incident's fix, whether or not its PR has been merged:
//   1. the hotfix branch (local, else the remote's): its own commits since it was cut from
//      production (the start point is on the record: the `git.branch:<branch>` effect);
//   2. the branch is gone: the merge on the production branch that names it (merge commit,
//      plain git or GitHub's "Merge pull request #n from owner/<branch>");
//   3. squashed or rebased: the commits on production that carry the `Ticket: <TICKET>` trailer
//      firebreak commit writes.
// `firebreak backport --commit <sha>` skips all this.

import type { Incident } from "../domain/types.js";
import type { Store } from "../ports.js";
import { FirebreakError } from "../errors.js";
import { gitOk, gitRaw } from "./git-run.js";

export interface FixCommits {
  commits: string[]; // oldest first
  from: string; // where they were found, for people: "hotfix/ENG-1234-… since 1a2b3c4d5e6f"
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const lines = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

async function sha(cwd: string, ref: string): Promise<string | null> {
  const r = await gitRaw(cwd, ["rev-parse", "-q", "--verify", "--end-of-options", `${ref}^{commit}`]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** Where the hotfix branch was cut from production, as the record has it. */
async function startPoint(store: Store, incident: Incident): Promise<string | null> {
  const eff = await store.getEffect(incident.id, `git.branch:${incident.branch}`);
  const fromEffect = eff?.result?.sha;
  if (typeof fromEffect === "string" && /^[0-9a-f]{40,64}$/.test(fromEffect)) return fromEffect;
  return null;
}

export async function fixCommitsOf(cwd: string, store: Store, incident: Incident): Promise<FixCommits> {
  const base = `refs/remotes/${incident.remote}/${incident.base}`;
  const baseSha = (await sha(cwd, base)) ?? (await sha(cwd, `refs/heads/${incident.base}`));

  // 1. The hotfix branch itself.
  for (const ref of [`refs/heads/${incident.branch}`, `refs/remotes/${incident.remote}/${incident.branch}`]) {
    const tip = await sha(cwd, ref);
    if (tip === null) continue;
    const start =
      (await startPoint(store, incident)) ?? (baseSha ? (await gitOk(cwd, ["merge-base", "--end-of-options", tip, baseSha])).trim() : null);
    if (start === null) continue;
    // --first-parent: production merged into the hotfix branch to catch up is not part of the fix.
    const commits = lines(
      await gitOk(cwd, ["rev-list", "--reverse", "--no-merges", "--first-parent", "--end-of-options", tip, `^${start}`]),
    );
    if (commits.length > 0) return { commits, from: `${incident.branch} since ${start.slice(0, 12)}` };
  }
  if (baseSha !== null) {
    // 2. The merge that brought the branch into production.
    const merges = lines(
      await gitOk(cwd, [
        "log",
        "--merges",
        "--first-parent",
        "-n",
        "500",
        "--format=%H",
        "-F",
        `--grep=${incident.branch}`,
        "--end-of-options",
        baseSha,
      ]),
    );
    for (const m of merges) {
      const second = await sha(cwd, `${m}^2`);
      if (second === null) continue;
      const commits = lines(await gitOk(cwd, ["rev-list", "--reverse", "--no-merges", "--end-of-options", second, `^${m}^1`]));
      if (commits.length > 0) return { commits, from: `the merge ${m.slice(0, 12)} on ${incident.base}` };
    }
    // 3. Squashed or rebased onto production: the ticket trailer.
    const trailer = lines(
      await gitOk(cwd, [
        "log",
        "--reverse",
        "--no-merges",
        "-n",
        "50",
        "--format=%H",
        "-E",
        `--grep=^Ticket: ${escapeRegex(incident.ticket)}$`,
        "--end-of-options",
        baseSha,
      ]),
    );
    if (trailer.length > 0)
      return { commits: trailer, from: `the commits on ${incident.base} with the trailer Ticket: ${incident.ticket}` };
  }
  throw new FirebreakError({
    code: "NO_FIX_COMMITS",
    message: `Found no fix commits for ${incident.ticket}: ${incident.branch} has none of its own and ${incident.base} has no merge or commit for it.`,
    next: `firebreak commit   # or name them: firebreak backport --commit <sha>`,
  });
}
