// A conflict a person must resolve: a worktree for that one target under the git common dir,
// left in git's own conflicted cherry-pick state, plus a state file so `--continue` and
// `--abort` know what was being done. The user's own checkout is never touched.

import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, isAbsolute } from "node:path";
import { FirebreakError, E } from "../errors.js";
import { gitLine, gitOk, gitRaw } from "./git-run.js";
import { findMarkers } from "./markers.js";
import { carries } from "./plan.js";
import type { BackportTarget, PickMethod } from "./types.js";

export interface ConflictState {
  version: 1;
  ticket: string;
  target: BackportTarget;
  branch: string;
  worktree: string;
  fixCommits: string[]; // every commit of the fix, in order
  remaining: string[]; // commits still to pick after the conflicted one
  conflictedCommit: string;
  files: string[];
  methods: PickMethod[]; // how the commits before the conflict were picked
  /** The target's commit the backport started from (absent in states written by older versions). */
  tip?: string;
  /** The worktree's HEAD when it stopped: a different HEAD later is a commit a person made there. */
  head?: string;
}

/**
 * done with `unchanged`: the person's resolution left the target as it was, so the target already
 * has the fix (nothing to commit, no branch).
 */
export type WorktreeOutcome = { done: true; sha: string; unchanged?: boolean } | { done: false; state: ConflictState };

const slot = (short: string) => encodeURIComponent(short);

export async function backportDir(cwd: string): Promise<string> {
  return join(await gitLine(cwd, ["rev-parse", "--path-format=absolute", "--git-common-dir"]), "firebreak", "backport");
}

const statePath = (dir: string, short: string) => join(dir, `${slot(short)}.json`);

export async function readConflictState(cwd: string, short: string): Promise<ConflictState | null> {
  try {
    return JSON.parse(await readFile(statePath(await backportDir(cwd), short), "utf8")) as ConflictState;
  } catch {
    return null;
  }
}

/** Every backport waiting for --continue or --abort in this repository, whatever its ticket. */
export async function listConflictStates(cwd: string): Promise<ConflictState[]> {
  const dir = await backportDir(cwd);
  const found: ConflictState[] = [];
  for (const f of (await readdir(dir).catch(() => [] as string[])).sort()) {
    if (!f.endsWith(".json")) continue;
    try {
      const s = JSON.parse(await readFile(join(dir, f), "utf8")) as ConflictState;
      if (s.version === 1 && typeof s.target?.short === "string") found.push(s);
    } catch {
      // not a state file
    }
  }
  return found;
}

/** True when `path` is `dir` or inside it. */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

async function saveState(cwd: string, state: ConflictState): Promise<void> {
  const file = statePath(await backportDir(cwd), state.target.short);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2) + "\n");
  await rename(`${file}.tmp`, file);
}

/** The exact steps printed under a conflicted target; they work from any folder of the repository. */
export function resolveInstructions(state: Pick<ConflictState, "worktree" | "files" | "target" | "ticket">): string[] {
  return [
    `cd ${JSON.stringify(state.worktree)}`,
    `# edit ${state.files.length === 1 ? "this file" : `these ${state.files.length} files`} and remove every <<<<<<< ======= >>>>>>> block: ${state.files.join(", ")}`,
    `firebreak backport --continue --to ${state.target.branch} -t ${state.ticket}   # checks for markers, commits, updates the branch`,
    `firebreak backport --abort --to ${state.target.branch} -t ${state.ticket}      # or give up on this target`,
  ];
}

async function conflictedFiles(worktree: string): Promise<string[]> {
  const out = await gitOk(worktree, ["diff", "--name-only", "--diff-filter=U", "-z"]);
  return [...new Set(out.split("\0").filter((f) => f !== ""))];
}

/** Cherry-picks commits one by one in the worktree; stops, conflicted, at the first that conflicts. */
async function pickInWorktree(worktree: string, commits: readonly string[]): Promise<{ conflicted?: string; rest: string[] }> {
  for (let i = 0; i < commits.length; i++) {
    const c = commits[i] as string;
    const r = await gitRaw(worktree, ["cherry-pick", "-x", "--allow-empty", c]);
    if (r.code === 0) continue;
    const inProgress = await gitRaw(worktree, ["rev-parse", "-q", "--verify", "CHERRY_PICK_HEAD"]);
    if (inProgress.code === 0) return { conflicted: c, rest: commits.slice(i + 1) };
    throw E.git(`git cherry-pick ${c.slice(0, 12)} failed in ${worktree}: ${r.stderr.trim().split("\n")[0] ?? ""}`);
  }
  return { rest: [] };
}

/**
 * Picks `commits` onto `start` in a fresh worktree for this target. git's merge there is
 * rename-aware, so it may still succeed; otherwise the worktree is left conflicted.
 */
export async function openConflictWorktree(
  cwd: string,
  args: {
    ticket: string;
    target: BackportTarget;
    branch: string;
    tip: string;
    start: string;
    commits: string[];
    fixCommits: string[];
    methods: PickMethod[];
  },
): Promise<WorktreeOutcome> {
  const worktree = join(await backportDir(cwd), slot(args.target.short));
  if (existsSync(worktree)) await removeWorktree(cwd, worktree);
  await mkdir(dirname(worktree), { recursive: true });
  await gitOk(cwd, ["worktree", "add", "--detach", "--quiet", worktree, args.start]);
  const picked = await pickInWorktree(worktree, args.commits);
  if (picked.conflicted === undefined) {
    const sha = await gitLine(worktree, ["rev-parse", "HEAD"]);
    await removeWorktree(cwd, worktree);
    return { done: true, sha };
  }
  const state: ConflictState = {
    version: 1,
    ticket: args.ticket,
    target: args.target,
    branch: args.branch,
    worktree,
    fixCommits: args.fixCommits,
    remaining: picked.rest,
    conflictedCommit: picked.conflicted,
    files: await conflictedFiles(worktree),
    methods: args.methods,
    tip: args.tip,
    head: await gitLine(worktree, ["rev-parse", "HEAD"]),
  };
  await saveState(cwd, state);
  return { done: false, state };
}

export const markersLeft = (files: string[], state?: Pick<ConflictState, "target" | "ticket">) =>
  new FirebreakError({
    code: "CONFLICT_MARKERS",
    message: `${files.length} line${files.length === 1 ? " still holds" : "s still hold"} conflict markers; nothing was committed.`,
    next: `firebreak backport --continue${state ? ` --to ${state.target.branch} -t ${state.ticket}` : ""}   # after removing the markers in the files listed`,
    details: files.slice(0, 20),
  });

/**
 * Finishes a resolved target: refuses any file with markers, commits the resolution (original
 * author, cherry-picked line), picks the remaining commits, points the backport branch at the
 * result and removes the worktree. Returns the new state when a later commit conflicts again.
 * A resolution that changes nothing is skipped (the target has that commit's change already);
 * when nothing at all is left to carry, the outcome is `unchanged` and the commits are recorded
 * as present on the target. `cwd` is the main worktree: every git call runs there or in the
 * conflict worktree, never in a folder this removes.
 */
export async function continueConflict(cwd: string, short: string): Promise<WorktreeOutcome> {
  const state = await readConflictState(cwd, short);
  if (!state) throw E.usage(`No backport to ${short} is waiting for a resolution.`, "firebreak backport --plan");
  const wt = state.worktree;
  if (!existsSync(wt)) {
    // An earlier --continue stopped after pointing the branch at the resolution: finish from there.
    const branchSha = await localSha(cwd, state.branch);
    if (branchSha !== null && branchSha !== state.tip && (await carries(cwd, branchSha, state.fixCommits, state.tip))) {
      await rm(statePath(await backportDir(cwd), short), { force: true });
      return { done: true, sha: branchSha };
    }
    throw E.usage(
      `The worktree ${wt} is gone.`,
      `firebreak backport --abort --to ${state.target.branch} -t ${state.ticket}   # then run firebreak backport again`,
    );
  }
  const status = await gitOk(wt, ["status", "--porcelain=v1", "-z", "--untracked-files=all"]);
  const changed = status
    .split("\0")
    .filter((f) => f.length > 3)
    .map((f) => f.slice(3));
  const left = await findMarkers(wt, [...new Set([...state.files, ...changed, ...(await conflictedFiles(wt))])]);
  if (left.length > 0) throw markersLeft(left, state);
  await gitOk(wt, ["add", "-A"]);
  const skipped: string[] = [];
  if ((await gitRaw(wt, ["rev-parse", "-q", "--verify", "CHERRY_PICK_HEAD"])).code === 0) {
    // Nothing staged against HEAD: the person kept the target's side, so this commit has nothing to add.
    const same = (await gitRaw(wt, ["diff", "--cached", "--quiet", "HEAD"])).code === 0;
    const r = await gitRaw(wt, ["cherry-pick", same ? "--skip" : "--continue"]);
    if (r.code !== 0)
      throw E.git(`Committing the resolution failed: ${r.stderr.trim().split("\n")[0] ?? ""}`, `cd ${JSON.stringify(wt)} && git status`);
    if (same) skipped.push(state.conflictedCommit);
  }
  if (skipped.length > 0) await recordContains(cwd, state.target.branch, skipped);
  const picked = await pickInWorktree(wt, state.remaining);
  if (picked.conflicted !== undefined) {
    const next: ConflictState = {
      ...state,
      remaining: picked.rest,
      conflictedCommit: picked.conflicted,
      files: await conflictedFiles(wt),
      methods: [...state.methods, "resolved"],
      head: await gitLine(wt, ["rev-parse", "HEAD"]),
    };
    await saveState(cwd, next);
    return { done: false, state: next };
  }
  const sha = await gitLine(wt, ["rev-parse", "HEAD"]);
  const unchanged = state.tip !== undefined && sha === state.tip;
  if (!unchanged) await gitOk(cwd, ["update-ref", "-m", "firebreak backport --continue", `refs/heads/${state.branch}`, sha]);
  await removeWorktree(cwd, wt);
  await rm(statePath(await backportDir(cwd), short), { force: true });
  return unchanged ? { done: true, sha, unchanged } : { done: true, sha };
}

/**
 * A commit a person made for this target that --abort would throw away: one committed in the
 * worktree (its HEAD moved since the conflict) or the local backport branch (only a --continue
 * creates it while a conflict is pending). Null when there is none.
 */
export async function resolvedCommit(cwd: string, short: string): Promise<{ sha: string; where: string } | null> {
  const state = await readConflictState(cwd, short);
  if (!state) return null;
  if (existsSync(state.worktree)) {
    const head = await gitRaw(state.worktree, ["rev-parse", "-q", "--verify", "HEAD"]);
    const sha = head.stdout.trim();
    if (head.code === 0 && state.head !== undefined && sha !== state.head) return { sha, where: `the worktree ${state.worktree}` };
  }
  const branchSha = await localSha(cwd, state.branch);
  if (branchSha !== null) return { sha: branchSha, where: `the branch ${state.branch}` };
  return null;
}

/** Gives up on a target: removes its worktree, its state and its local backport branch. */
export async function abortConflict(cwd: string, short: string, branch?: string): Promise<{ removed: boolean }> {
  const state = await readConflictState(cwd, short);
  const dir = await backportDir(cwd);
  const worktree = state?.worktree ?? join(dir, slot(short));
  const had = state !== null || existsSync(worktree);
  if (existsSync(worktree)) await removeWorktree(cwd, worktree);
  const name = state?.branch ?? branch;
  if (name !== undefined && (await gitRaw(cwd, ["rev-parse", "-q", "--verify", `refs/heads/${name}`])).code === 0) {
    await gitOk(cwd, ["update-ref", "-d", `refs/heads/${name}`]);
  }
  await rm(statePath(dir, short), { force: true });
  return { removed: had };
}

async function localSha(cwd: string, branch: string): Promise<string | null> {
  const r = await gitRaw(cwd, ["rev-parse", "-q", "--verify", "--end-of-options", `refs/heads/${branch}^{commit}`]);
  return r.code === 0 ? r.stdout.trim() : null;
}

// --- commits a person found already on a target -----------------------------------------------

const containsPath = async (cwd: string) => join(await backportDir(cwd), "contains.json");

/** Fix commits a person's resolution showed the target already has (git cannot tell by itself). */
export async function confirmedContains(cwd: string, targetBranch: string): Promise<string[]> {
  try {
    const all = JSON.parse(await readFile(await containsPath(cwd), "utf8")) as Record<string, unknown>;
    const list = all[targetBranch];
    return Array.isArray(list) ? list.filter((c): c is string => typeof c === "string") : [];
  } catch {
    return [];
  }
}

async function recordContains(cwd: string, targetBranch: string, commits: readonly string[]): Promise<void> {
  const file = await containsPath(cwd);
  let all: Record<string, string[]> = {};
  try {
    all = JSON.parse(await readFile(file, "utf8")) as Record<string, string[]>;
  } catch {
    // none yet
  }
  all[targetBranch] = [...new Set([...(Array.isArray(all[targetBranch]) ? all[targetBranch] : []), ...commits])];
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(all, null, 2) + "\n");
  await rename(`${file}.tmp`, file);
}

/**
 * Removes a worktree. When this process runs inside it (the person followed `cd <worktree>`),
 * it first moves to `cwd` (the main worktree), so no later step runs in a folder that is gone.
 */
async function removeWorktree(cwd: string, worktree: string): Promise<void> {
  if (isInside(process.cwd(), worktree)) process.chdir(cwd);
  const r = await gitRaw(cwd, ["worktree", "remove", "--force", "--force", worktree]);
  if (r.code !== 0) {
    await rm(worktree, { recursive: true, force: true });
    await gitRaw(cwd, ["worktree", "prune"]);
  }
}
