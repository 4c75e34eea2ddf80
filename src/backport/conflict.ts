// A conflict a person must resolve: a worktree for that one target under the git common dir,
// left in git's own conflicted cherry-pick state, plus a state file so `--continue` and
// `--abort` know what was being done. The user's own checkout is never touched.

import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { EXIT, FirebreakError, E } from "../errors.js";
import { gitLine, gitOk, gitRaw } from "./git-run.js";
import { findMarkers } from "./markers.js";
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
}

export type WorktreeOutcome = { done: true; sha: string } | { done: false; state: ConflictState };

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

async function saveState(cwd: string, state: ConflictState): Promise<void> {
  const file = statePath(await backportDir(cwd), state.target.short);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(state, null, 2) + "\n");
}

/** The exact steps printed under a conflicted target. */
export function resolveInstructions(state: Pick<ConflictState, "worktree" | "files" | "target">): string[] {
  return [
    `cd ${JSON.stringify(state.worktree)}`,
    `# edit ${state.files.length === 1 ? "this file" : `these ${state.files.length} files`} and remove every <<<<<<< ======= >>>>>>> block: ${state.files.join(", ")}`,
    `firebreak backport --continue --to ${state.target.branch}   # checks for markers, commits, updates the branch`,
    `firebreak backport --abort --to ${state.target.branch}      # or give up on this target`,
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
  args: { ticket: string; target: BackportTarget; branch: string; start: string; commits: string[]; fixCommits: string[]; methods: PickMethod[] },
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
  };
  await saveState(cwd, state);
  return { done: false, state };
}

export const markersLeft = (files: string[]) =>
  new FirebreakError({
    code: "CONFLICT_MARKERS",
    message: `${files.length} line${files.length === 1 ? "" : "s"} still hold conflict markers; nothing was committed.`,
    why: "A file with <<<<<<< ======= >>>>>>> lines would ship the conflict itself.",
    next: "remove the markers in the files listed, then run: firebreak backport --continue",
    exit: EXIT.conflict,
    details: files.slice(0, 20),
  });

/**
 * Finishes a resolved target: refuses any file with markers, commits the resolution (original
 * author, cherry-picked line), picks the remaining commits, points the backport branch at the
 * result and removes the worktree. Returns the new state when a later commit conflicts again.
 */
export async function continueConflict(cwd: string, short: string): Promise<WorktreeOutcome> {
  const state = await readConflictState(cwd, short);
  if (!state) throw E.usage(`No backport to ${short} is waiting for a resolution.`, "firebreak backport --plan");
  const wt = state.worktree;
  if (!existsSync(wt)) throw E.usage(`The worktree ${wt} is gone.`, `firebreak backport --abort --to ${state.target.branch}   # then run firebreak backport again`);
  const status = await gitOk(wt, ["status", "--porcelain=v1", "-z", "--untracked-files=all"]);
  const changed = status.split("\0").filter((f) => f.length > 3).map((f) => f.slice(3));
  const left = await findMarkers(wt, [...new Set([...state.files, ...changed, ...(await conflictedFiles(wt))])]);
  if (left.length > 0) throw markersLeft(left);
  await gitOk(wt, ["add", "-A"]);
  if ((await gitRaw(wt, ["rev-parse", "-q", "--verify", "CHERRY_PICK_HEAD"])).code === 0) {
    const r = await gitRaw(wt, ["cherry-pick", "--continue"]);
    if (r.code !== 0) throw E.git(`Committing the resolution failed: ${r.stderr.trim().split("\n")[0] ?? ""}`, `cd ${JSON.stringify(wt)} && git status`);
  }
  const picked = await pickInWorktree(wt, state.remaining);
  if (picked.conflicted !== undefined) {
    const next: ConflictState = { ...state, remaining: picked.rest, conflictedCommit: picked.conflicted, files: await conflictedFiles(wt), methods: [...state.methods, "resolved"] };
    await saveState(cwd, next);
    return { done: false, state: next };
  }
  const sha = await gitLine(wt, ["rev-parse", "HEAD"]);
  await gitOk(cwd, ["update-ref", "-m", "firebreak backport --continue", `refs/heads/${state.branch}`, sha]);
  await removeWorktree(cwd, wt);
  await rm(statePath(await backportDir(cwd), short), { force: true });
  return { done: true, sha };
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

async function removeWorktree(cwd: string, worktree: string): Promise<void> {
  const r = await gitRaw(cwd, ["worktree", "remove", "--force", "--force", worktree]);
  if (r.code !== 0) {
    await rm(worktree, { recursive: true, force: true });
    await gitRaw(cwd, ["worktree", "prune"]);
  }
}
