// Carries a fix (one or more commits, in order) to every target branch without checking anything
// out. Targets are independent: a conflict or a failure on one is recorded in its result and the
// others go on. Nothing here touches the user's work tree, index or HEAD.

import { Git } from "../adapters/git/git.js";
import { assertSafeRef, assertSafeRemoteName, assertSafeRev } from "../adapters/git/safety.js";
import { backportBranch } from "../domain/naming.js";
import { E, isFirebreakError } from "../errors.js";
import {
  confirmedContains,
  continueConflict,
  openConflictWorktree,
  readConflictState,
  resolveInstructions,
  type ConflictState,
} from "./conflict.js";
import { gitLine, gitOk, pickMode } from "./git-run.js";
import { patchFallback } from "./patch-fallback.js";
import { commitPick, pickOnto, readCommit, type CommitInfo } from "./pick.js";
import { carries, existingBackport, localBranchSha, missingCommits, remoteBranches, resolveTarget } from "./plan.js";
import type { BackportProgress, BackportResult, BackportTarget, PickMethod, PushBranch } from "./types.js";

export interface BackportOptions {
  cwd: string;
  fixCommits: string[]; // revisions, oldest first
  ticket: string;
  targets: BackportTarget[];
  remote?: string; // targets resolve to <remote>/<branch> first; backport branches are checked there
  push: boolean;
  /** Pushes one branch (wrap it in the effect journal). Default: Git.pushBranch, never forced. */
  pushBranch?: PushBranch;
  /** The journal says this target is done: skip it. */
  journalDone?: (target: BackportTarget, branch: string) => Promise<{ sha: string } | null>;
  /** Allow the whitespace-insensitive patch fallback (default true; the method is reported). */
  ignoreWhitespace?: boolean;
  onProgress?: (p: BackportProgress) => void;
}

interface Prepared {
  commits: CommitInfo[];
  remote: string | undefined;
  branches: Map<string, string>; // short → backport branch
  remoteHas: Map<string, string>; // backport branch → sha on the remote
}

async function prepare(o: BackportOptions): Promise<Prepared> {
  if (o.fixCommits.length === 0) throw E.usage("No fix commits to backport.");
  if (o.targets.length === 0)
    throw E.usage(
      "No backport targets.",
      "firebreak backport --to release-candidate,develop   # or set backport targets in .firebreak.yml",
    );
  if (o.remote !== undefined) assertSafeRemoteName(o.remote);
  const branches = new Map<string, string>();
  for (const t of o.targets) {
    await assertSafeRef(t.branch, "target branch");
    if (branches.has(t.short)) throw E.usage(`Two targets share the short name ${t.short}.`);
    branches.set(t.short, backportBranch(t.short, o.ticket));
  }
  const commits: CommitInfo[] = [];
  for (const rev of o.fixCommits) {
    assertSafeRev(rev, "fix commit");
    const sha = await gitLine(o.cwd, ["rev-parse", "--verify", "--end-of-options", `${rev}^{commit}`]);
    const info = await readCommit(o.cwd, sha);
    if (info.parents.length !== 1)
      throw E.usage(`${rev} is a ${info.parents.length === 0 ? "root" : "merge"} commit; pass the commits of the fix instead.`);
    commits.push(info);
  }
  const remoteHas =
    o.remote !== undefined && o.push ? await remoteBranches(o.cwd, o.remote, [...branches.values()]) : new Map<string, string>();
  return { commits, remote: o.remote, branches, remoteHas };
}

export async function backportAll(o: BackportOptions): Promise<BackportResult[]> {
  const p = await prepare(o);
  const results: BackportResult[] = [];
  for (const target of o.targets) {
    o.onProgress?.({ kind: "target-start", target });
    const branch = p.branches.get(target.short) as string;
    let result: BackportResult;
    try {
      result = await backportOne(o, p, target, branch);
    } catch (e) {
      const reason = isFirebreakError(e) ? [e.message, ...e.details].join(" ") : e instanceof Error ? e.message : String(e);
      result = { target, status: "failed", branch, reason };
    }
    o.onProgress?.({ kind: "target-end", result });
    results.push(result);
  }
  return results;
}

const conflicted = (target: BackportTarget, s: ConflictState): BackportResult => ({
  target,
  status: "conflicted",
  branch: s.branch,
  files: s.files,
  worktree: s.worktree,
  instructions: resolveInstructions(s),
  reason: `commit ${s.conflictedCommit.slice(0, 12)} conflicts on ${target.branch}`,
});

async function backportOne(o: BackportOptions, p: Prepared, target: BackportTarget, branch: string): Promise<BackportResult> {
  const pending = await readConflictState(o.cwd, target.short);
  if (pending) {
    if (pending.ticket === o.ticket) return conflicted(target, pending);
    return {
      target,
      status: "failed",
      branch,
      reason: `a backport of ${pending.ticket} to ${target.branch} is still waiting for --continue or --abort`,
    };
  }
  const journal = await o.journalDone?.(target, branch);
  if (journal) return { target, status: "done", branch, sha: journal.sha, reused: true, pushed: o.push };

  const tip = await resolveTarget(o.cwd, target.branch, p.remote);
  if (tip === null)
    return {
      target,
      status: "failed",
      branch,
      reason: `the target branch ${target.branch} does not exist${p.remote ? ` (looked for ${p.remote}/${target.branch} and ${target.branch})` : ""}`,
    };
  const { missing, confirmed } = await stillMissing(
    o.cwd,
    target,
    tip,
    p.commits.map((c) => c.sha),
  );
  if (missing.length === 0) return { target, status: "already-contains", branch, ...(confirmed ? { reason: CONFIRMED } : {}) };

  const reused = await reuseEarlier(o, p, branch, missing, tip);
  if (reused) return finish(o, p, target, branch, reused, [], true);
  const local = await localBranchSha(o.cwd, branch);
  if (local !== null)
    return {
      target,
      status: "failed",
      branch,
      reason: `the branch ${branch} already exists and does not carry this fix; not overwriting it`,
    };

  let cur = tip;
  const methods: PickMethod[] = [];
  const todo = p.commits.filter((c) => missing.includes(c.sha));
  const fallback = { threeWay: (await pickMode(o.cwd)) !== "index", ignoreWhitespace: o.ignoreWhitespace ?? true };
  for (let i = 0; i < todo.length; i++) {
    const fix = todo[i] as CommitInfo;
    let r = await pickOnto(o.cwd, cur, fix);
    if (!r.clean) r = await patchFallback(o.cwd, cur, fix, fallback);
    if (!r.clean) {
      const wt = await openConflictWorktree(o.cwd, {
        ticket: o.ticket,
        target,
        branch,
        tip,
        start: cur,
        commits: todo.slice(i).map((c) => c.sha),
        fixCommits: p.commits.map((c) => c.sha),
        methods,
      });
      if (!wt.done) return conflicted(target, wt.state);
      for (const c of todo.slice(i)) o.onProgress?.({ kind: "commit-picked", target, commit: c.sha, method: "worktree-cherry-pick" });
      methods.push(...todo.slice(i).map((): PickMethod => "worktree-cherry-pick"));
      cur = wt.sha;
      break;
    }
    // The change is already there under other commits: an empty commit would only add noise.
    if (r.tree === (await gitLine(o.cwd, ["rev-parse", `${cur}^{tree}`]))) continue;
    cur = await commitPick(o.cwd, cur, r.tree, fix);
    methods.push(r.method);
    o.onProgress?.({ kind: "commit-picked", target, commit: fix.sha, method: r.method });
  }
  if (cur === tip)
    return { target, status: "already-contains", branch, reason: "the fix's changes are already on the target under other commits" };
  // An empty old value: create only, never move a branch someone else just made.
  await gitOk(o.cwd, ["update-ref", "-m", `firebreak backport ${o.ticket}`, `refs/heads/${branch}`, cur, ""]);
  return finish(o, p, target, branch, cur, methods, false);
}

const CONFIRMED = "a person's resolution showed the target already has the fix";

/** The fix commits the target lacks: neither in its history nor found there by a person's resolution. */
async function stillMissing(
  cwd: string,
  target: BackportTarget,
  tip: string,
  commits: string[],
): Promise<{ missing: string[]; confirmed: boolean }> {
  const byGit = await missingCommits(cwd, tip, commits);
  const known = await confirmedContains(cwd, target.branch);
  const missing = byGit.filter((c) => !known.includes(c));
  return { missing, confirmed: missing.length < byGit.length };
}

/** An earlier run's branch, local or (fetched from) the remote, that already carries the fix. */
async function reuseEarlier(o: BackportOptions, p: Prepared, branch: string, missing: string[], tip: string): Promise<string | null> {
  const local = await existingBackport(o.cwd, branch, missing, tip);
  if (local) return local;
  const onRemote = p.remoteHas.get(branch);
  if (onRemote === undefined || p.remote === undefined) return null;
  await new Git(o.cwd).fetch(p.remote, [branch]);
  const fetched = await resolveTarget(o.cwd, branch, p.remote);
  if (fetched !== onRemote) return null;
  if (!(await carries(o.cwd, fetched, missing, tip))) return null;
  if ((await localBranchSha(o.cwd, branch)) === null) await gitOk(o.cwd, ["update-ref", `refs/heads/${branch}`, fetched, ""]);
  return fetched;
}

type PushOpts = Pick<BackportOptions, "cwd" | "push" | "pushBranch">;

async function finish(
  o: PushOpts,
  p: Prepared,
  target: BackportTarget,
  branch: string,
  sha: string,
  methods: PickMethod[],
  reused: boolean,
): Promise<BackportResult> {
  const result: BackportResult = { target, status: "done", branch, sha, pushed: false, ...(reused ? { reused } : { methods }) };
  if (!o.push || p.remote === undefined) return result;
  const there = p.remoteHas.get(branch);
  if (there === sha) return { ...result, pushed: true };
  if (there !== undefined)
    return {
      ...result,
      status: "failed",
      reason: `${p.remote} already has ${branch} at ${there.slice(0, 12)}, not ${sha.slice(0, 12)}; Firebreak never force-pushes`,
    };
  const push = o.pushBranch ?? (async (i) => new Git(o.cwd).pushBranch(i.remote, i.branch));
  await push({ target, branch, sha, remote: p.remote });
  return { ...result, pushed: true };
}

/** `firebreak backport --continue` for one target: refuses markers, commits, updates and pushes the branch. */
export async function continueBackport(
  o: Omit<BackportOptions, "fixCommits" | "targets" | "ticket"> & { target: BackportTarget },
): Promise<BackportResult> {
  const state = await readConflictState(o.cwd, o.target.short);
  const out = await continueConflict(o.cwd, o.target.short);
  if (!out.done) return conflicted(o.target, out.state);
  const branch = state?.branch ?? "";
  if (out.unchanged)
    return {
      target: o.target,
      status: "already-contains",
      branch,
      reason: `the resolution left ${o.target.branch} unchanged: it already has the fix`,
    };
  const p: Prepared = { commits: [], remote: o.remote, branches: new Map(), remoteHas: new Map() };
  if (o.push && o.remote !== undefined) p.remoteHas = await remoteBranches(o.cwd, o.remote, [branch]);
  return finish(o, p, o.target, branch, out.sha, [...(state?.methods ?? []), "resolved"], false);
}

export interface PlanRow {
  target: BackportTarget;
  branch: string;
  status: "needs-backport" | "already-contains" | "done" | "conflicted" | "missing-target";
  missing: string[]; // fix commits the target lacks
}

/** `firebreak backport --plan`: what each target needs, without changing anything. */
export async function planBackports(o: Omit<BackportOptions, "push" | "onProgress">): Promise<PlanRow[]> {
  const p = await prepare({ ...o, push: false });
  const rows: PlanRow[] = [];
  for (const target of o.targets) {
    const branch = p.branches.get(target.short) as string;
    const tip = await resolveTarget(o.cwd, target.branch, p.remote);
    if (tip === null) {
      rows.push({ target, branch, status: "missing-target", missing: [] });
      continue;
    }
    const { missing } = await stillMissing(
      o.cwd,
      target,
      tip,
      p.commits.map((c) => c.sha),
    );
    const pending = await readConflictState(o.cwd, target.short);
    const status =
      missing.length === 0
        ? "already-contains"
        : pending?.ticket === o.ticket
          ? "conflicted"
          : (await existingBackport(o.cwd, branch, missing, tip))
            ? "done"
            : "needs-backport";
    rows.push({ target, branch, status, missing });
  }
  return rows;
}

export { abortConflict as abortBackport, listConflictStates, readConflictState, resolvedCommit } from "./conflict.js";
