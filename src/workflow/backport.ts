// `firebreak backport`: the engine (src/backport/) computes each target's cherry-pick without a
// checkout; this file makes the durable parts durable. For each target, independently:
//   backport.push:<target>  push backport/<short>/hotfix-<TICKET>  (reconcile: the remote's sha)
//   backport.pr:<target>    open the PR to the target               (reconcile: the PR for that head)
// then records the target on the incident (data.backports, event backport.target) and, when every
// target is done or already had the fix, backport.done. Without an incident (`--commit`) there is
// no journal: both steps ask the world first (remote branch, PR by head), so a re-run still does
// nothing twice.

import type { Git } from "../ports/git.js";
import type { Incident } from "../domain/types.js";
import type { Label } from "../ports/forge.js";
import { FirebreakError, isFirebreakError } from "../errors.js";
import {
  backportAll,
  continueBackport,
  planBackports,
  abortBackport,
  readConflictState,
  resolvedCommit,
  type PlanRow,
} from "../backport/engine.js";
import { carries } from "../backport/plan.js";
import { resolveInstructions } from "../backport/conflict.js";
import type { BackportForge } from "../backport/offline-pr.js";
import { buildBackportPrView, renderBackportPr } from "../backport/pr-view.js";
import type { BackportProgress, BackportResult, BackportTarget, PickMethod, PushBranch } from "../backport/types.js";
import { effect, type EffectDeps, type EffectResult, type EffectSpec } from "./effect.js";

export interface BackportDeps {
  cwd: string;
  git: Git;
  forge: BackportForge;
  remote: string;
  /** The incident and its journal; null for a backport of commits on their own. */
  journal: (EffectDeps & { incident: Incident }) | null;
  /** Where .firebreak/templates/ overrides are looked for. */
  repoRoot: string | null;
  progress?: (msg: string) => void;
}

export interface BackportRequest {
  ticket: string;
  targets: BackportTarget[];
  fixCommits: string[]; // oldest first
  /** How an earlier step picked a target (--continue: "resolved"), for the PR body of a reused branch. */
  methods?: Record<string, PickMethod[]>;
}

export interface TargetOutcome extends BackportResult {
  pr?: { number: number; url: string };
}

/** What incident.data.backports holds per target branch. */
export interface BackportRecord {
  branch: string;
  sha: string | null;
  pr?: { number: number; url: string };
  state: BackportResult["status"] | "aborted";
  files?: string[];
  reason?: string;
}

export const backportLabels = (priority?: string): Label[] => [
  { name: "backport", color: "c5def5", description: "Carries a fix to another branch" },
  { name: "hotfix", color: "e99695", description: "Emergency fix made with firebreak" },
  ...(priority ? [{ name: priority, color: "ededed", description: `Priority ${priority}` }] : []),
];

const reasonOf = (e: unknown) => (isFirebreakError(e) ? [e.message, ...e.details].join(" ") : e instanceof Error ? e.message : String(e));

/** An effect through the incident's journal, or, without one, "ask the world, then act". */
async function journaled<R extends EffectResult>(deps: BackportDeps, key: string, spec: EffectSpec<R>): Promise<R> {
  if (deps.journal) return (await effect(deps.journal, deps.journal.incident.id, key, spec)).result;
  const seen = spec.reconcile ? await spec.reconcile() : null;
  if (seen && seen !== "unknown") return seen;
  return spec.perform();
}

// --- push ----------------------------------------------------------------------------------------

/** The journal key of a target's push; a later push of another commit (a new fix) gets its own. */
async function pushKey(deps: BackportDeps, target: BackportTarget, sha: string): Promise<string> {
  const key = `backport.push:${target.branch}`;
  if (!deps.journal) return key;
  const done = await deps.journal.store.getEffect(deps.journal.incident.id, key);
  return done?.state === "done" && done.result?.sha !== sha ? `${key}@${sha}` : key;
}

async function pushBranch(deps: BackportDeps, target: BackportTarget, branch: string, sha: string): Promise<void> {
  const { git, remote } = deps;
  const result = { remote, branch, sha, target: target.branch, summary: `pushed ${branch} (${sha.slice(0, 12)}) for ${target.branch}` };
  await journaled(deps, await pushKey(deps, target, sha), {
    kind: "backport.pushed",
    intent: { remote, branch, sha, target: target.branch },
    reconcile: async () => ((await git.remoteBranchSha(remote, branch)) === sha ? result : null),
    perform: async () => {
      // The engine pushes only what the remote lacks; this also covers a push made before a crash.
      if ((await git.remoteBranchSha(remote, branch)) === sha) return result;
      deps.progress?.(`Pushing ${branch} to ${remote}…`);
      await git.pushBranch(remote, branch);
      return result;
    },
    settle: `git ls-remote ${remote} refs/heads/${branch}   # then run: firebreak backport`,
  });
}

const enginePush =
  (deps: BackportDeps): PushBranch =>
  (i) =>
    pushBranch(deps, i.target, i.branch, i.sha);

// --- pull request ---------------------------------------------------------------------------

async function openPr(deps: BackportDeps, req: BackportRequest, result: BackportResult): Promise<{ number: number; url: string }> {
  const { forge } = deps;
  const head = result.branch;
  const base = result.target.branch;
  const incident = deps.journal ? ((await deps.journal.store.getIncident(deps.journal.incident.id)) ?? deps.journal.incident) : null;
  const labels = backportLabels(incident?.priority);
  const opened = await journaled(deps, `backport.pr:${base}`, {
    kind: "backport.pr-opened",
    intent: { forge: forge.kind, head, base },
    reconcile: async () => {
      const pr = await forge.findPullRequest(head, base);
      return pr ? { number: pr.number, url: pr.url, head, base, summary: `backport PR #${pr.number} to ${base}` } : null;
    },
    perform: async () => {
      const found = await forge.findPullRequest(head, base);
      if (found)
        return {
          number: found.number,
          url: found.url,
          head,
          base,
          adopted: true,
          summary: `backport PR #${found.number} to ${base} (already open)`,
        };
      const view = await buildBackportPrView(deps.cwd, incident, req.ticket, req.fixCommits, result);
      const { title, body } = await renderBackportPr(deps.repoRoot, view);
      deps.progress?.(`Opening the backport pull request ${head} → ${base}…`);
      const pr = await forge.openPullRequest({ head, base, title, body, draft: false });
      return { number: pr.number, url: pr.url, head, base, summary: `opened backport PR #${pr.number} to ${base}` };
    },
    settle: `look for the pull request from ${head} on the forge, then run: firebreak backport`,
  });
  const number = Number(opened.number);
  // Adding a label twice changes nothing: each run adds what is missing now.
  const pr = await forge.findPullRequest(head, base);
  const missing = labels.map((l) => l.name).filter((n) => !(pr?.labels ?? []).includes(n));
  if (pr && missing.length > 0) {
    await forge.ensureLabels(labels);
    await forge.addLabels(number, missing);
  }
  return { number, url: String(opened.url) };
}

// --- the record -----------------------------------------------------------------------------

function recordOf(r: TargetOutcome): BackportRecord {
  return {
    branch: r.branch,
    sha: r.sha ?? null,
    ...(r.pr ? { pr: r.pr } : {}),
    state: r.status,
    ...(r.files ? { files: r.files } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
  };
}

export function summarize(r: Pick<TargetOutcome, "target" | "status" | "pr" | "files" | "reason">): string {
  switch (r.status) {
    case "done":
      return `${r.target.branch}: backported${r.pr ? `, PR #${r.pr.number}` : ""}`;
    case "already-contains":
      return `${r.target.branch}: already contains the fix`;
    case "conflicted":
      return `${r.target.branch}: conflict in ${(r.files ?? []).join(", ")}`;
    default:
      return `${r.target.branch}: failed: ${r.reason ?? "unknown reason"}`;
  }
}

/** Writes each target whose state changed (data.backports + backport.target), then backport.done once all are there. */
async function record(deps: BackportDeps, outcomes: readonly TargetOutcome[], aborted: readonly BackportTarget[] = []): Promise<void> {
  if (!deps.journal) return;
  const { store, clock, actor, incident } = deps.journal;
  const at = () => clock.now().toISOString();
  for (const r of outcomes) {
    const now = (await store.getIncident(incident.id)) ?? incident;
    const all = { ...((now.data.backports as Record<string, BackportRecord> | undefined) ?? {}) };
    const next = recordOf(r);
    if (JSON.stringify(all[r.target.branch]) === JSON.stringify(next)) continue;
    all[r.target.branch] = next;
    await store.updateIncident(
      incident.id,
      { data: { backports: all } },
      {
        at: at(),
        actor,
        kind: "backport.target",
        data: { target: r.target.branch, short: r.target.short, ...next, summary: summarize(r) },
      },
    );
  }
  for (const t of aborted) {
    const now = (await store.getIncident(incident.id)) ?? incident;
    const all = { ...((now.data.backports as Record<string, BackportRecord> | undefined) ?? {}) };
    const prev = all[t.branch];
    all[t.branch] = { branch: prev?.branch ?? "", sha: null, state: "aborted" };
    await store.updateIncident(
      incident.id,
      { data: { backports: all } },
      {
        at: at(),
        actor,
        kind: "backport.target",
        data: { target: t.branch, short: t.short, state: "aborted", summary: `${t.branch}: backport aborted` },
      },
    );
  }
  const finished = outcomes.length > 0 && outcomes.every((r) => r.status === "done" || r.status === "already-contains");
  if (!finished) return;
  const targets = outcomes.map((r) => r.target.branch).sort();
  const already = (await store.timeline(incident.id)).some(
    (e) =>
      e.kind === "backport.done" &&
      JSON.stringify([...((e.data.targets as string[] | undefined) ?? [])].sort()) === JSON.stringify(targets),
  );
  if (!already)
    await store.appendEvent(incident.id, {
      at: at(),
      actor,
      kind: "backport.done",
      data: { targets, summary: `fix carried to ${targets.join(", ")}` },
    });
}

// --- the steps ------------------------------------------------------------------------------

/** The journal knows this target's PR is open for a branch that still carries the fix: nothing to redo. */
const journalDone =
  (deps: BackportDeps, req: BackportRequest) =>
  async (target: BackportTarget): Promise<{ sha: string } | null> => {
    if (!deps.journal) return null;
    const { store, incident } = deps.journal;
    const pr = await store.getEffect(incident.id, `backport.pr:${target.branch}`);
    const sha = (incident.data.backports as Record<string, BackportRecord> | undefined)?.[target.branch]?.sha;
    if (pr?.state !== "done" || typeof sha !== "string") return null;
    const there = await deps.git.remoteBranchSha(deps.remote, String(pr.result?.head ?? "")).catch(() => null);
    if (there !== sha) return null;
    return (await carries(deps.cwd, sha, req.fixCommits).catch(() => false)) ? { sha } : null;
  };

/** After the engine: the push is on the record, the PR is open. A failure here fails only this target. */
async function publish(deps: BackportDeps, req: BackportRequest, r: BackportResult): Promise<TargetOutcome> {
  if (r.status !== "done" || !r.sha) return r;
  try {
    await pushBranch(deps, r.target, r.branch, r.sha);
    return { ...r, pushed: true, pr: await openPr(deps, req, r) };
  } catch (e) {
    return { ...r, status: "failed", reason: `${r.branch} is ready, but ${reasonOf(e)}` };
  }
}

function progressOf(deps: BackportDeps) {
  return (p: BackportProgress) => {
    if (p.kind === "target-start") deps.progress?.(`Backporting to ${p.target.branch}…`);
    else if (p.kind === "commit-picked") deps.progress?.(`  picked ${p.commit.slice(0, 12)} onto ${p.target.branch} (${p.method})`);
  };
}

export async function runBackport(deps: BackportDeps, req: BackportRequest): Promise<TargetOutcome[]> {
  const outcomes = await runTargets(deps, req);
  await record(deps, outcomes);
  return outcomes;
}

async function runTargets(deps: BackportDeps, req: BackportRequest): Promise<TargetOutcome[]> {
  const results = await backportAll({
    cwd: deps.cwd,
    fixCommits: req.fixCommits,
    ticket: req.ticket,
    targets: req.targets,
    remote: deps.remote,
    push: true,
    pushBranch: enginePush(deps),
    journalDone: journalDone(deps, req),
    onProgress: progressOf(deps),
  });
  const outcomes: TargetOutcome[] = [];
  for (const r of results) {
    const known = req.methods?.[r.target.branch];
    outcomes.push(await publish(deps, req, r.methods === undefined && known ? { ...r, methods: known } : r));
  }
  return outcomes;
}

/** What `--continue` did: targets it finished, those it could not (markers left), and every outcome. */
export interface ContinueReport {
  continued: string[]; // resolution committed (or found unchanged) and carried on
  waiting: string[]; // targets that had a conflict waiting, whatever came of it
  markers: { target: string; lines: string[] }[]; // refused: these file:line still hold markers
  outcomes: TargetOutcome[];
}

/** `--continue`: finishes every target waiting for a resolution, then carries on as a normal run. */
export async function continueBackports(deps: BackportDeps, req: BackportRequest): Promise<ContinueReport> {
  const continued: string[] = [];
  const waiting: string[] = [];
  const markers: ContinueReport["markers"] = [];
  const methods: Record<string, PickMethod[]> = {};
  const held: TargetOutcome[] = [];
  for (const target of req.targets) {
    const state = await readConflictState(deps.cwd, target.short);
    if (!state) continue;
    waiting.push(target.branch);
    try {
      const r = await continueBackport({ cwd: deps.cwd, target, remote: deps.remote, push: true, pushBranch: enginePush(deps) });
      if (r.status === "done") {
        continued.push(target.branch);
        methods[target.branch] = r.methods ?? ["resolved"];
      } else {
        if (r.status === "already-contains") continued.push(target.branch);
        held.push(r);
      }
    } catch (e) {
      if (!isFirebreakError(e) || e.code !== "CONFLICT_MARKERS") throw e;
      markers.push({ target: target.branch, lines: e.details });
      held.push({
        target,
        status: "conflicted",
        branch: state.branch,
        files: state.files,
        worktree: state.worktree,
        instructions: resolveInstructions(state),
        reason: `${e.message} ${e.details.join(", ")}`,
      });
    }
  }
  // Targets still held keep their markers' report; the others go through the normal run.
  const rest = req.targets.filter((t) => !held.some((h) => h.target.branch === t.branch));
  const ran = rest.length > 0 ? await runTargets(deps, { ...req, targets: rest, methods }) : [];
  const outcomes = req.targets.map(
    (t) => (held.find((h) => h.target.branch === t.branch) ?? ran.find((r) => r.target.branch === t.branch)) as TargetOutcome,
  );
  await record(deps, outcomes);
  return { continued, waiting, markers, outcomes };
}

/**
 * `--abort`: drops the pending conflict of each target (its worktree, state and local branch).
 * A commit a person made there is never dropped silently: without `force` nothing is removed and
 * the refusal names it; with `force` the dropped commits are returned to be named.
 */
export async function abortBackports(
  deps: BackportDeps,
  targets: readonly BackportTarget[],
  force = false,
  /** The commands that keep or drop the resolution of these targets, with the run's own flags. */
  commands: (to: string[]) => { keep: string; drop: string } = (to) => ({
    keep: `firebreak backport --continue --to ${to.join(",")}`,
    drop: `firebreak backport --abort --to ${to.join(",")} --force`,
  }),
): Promise<{ aborted: BackportTarget[]; dropped: { target: string; sha: string; where: string }[] }> {
  const pending: BackportTarget[] = [];
  const dropped: { target: string; sha: string; where: string }[] = [];
  for (const t of targets) {
    if (!(await readConflictState(deps.cwd, t.short))) continue;
    pending.push(t);
    const kept = await resolvedCommit(deps.cwd, t.short);
    if (kept) dropped.push({ target: t.branch, ...kept });
  }
  if (dropped.length > 0 && !force) {
    const how = commands(dropped.map((d) => d.target));
    throw new FirebreakError({
      code: "BACKPORT_RESOLVED",
      message: `--abort would throw away a resolved commit: ${dropped.map((d) => `${d.sha.slice(0, 12)} for ${d.target} (${d.where})`).join("; ")}. Nothing was removed.`,
      next: `${how.keep}   # push it and open the PR; to drop it anyway: ${how.drop}`,
      details: dropped.map((d) => `${d.target}: ${d.sha}`),
    });
  }
  for (const t of pending) await abortBackport(deps.cwd, t.short);
  await record(deps, [], pending);
  return { aborted: pending, dropped };
}

export function planBackport(deps: BackportDeps, req: BackportRequest): Promise<PlanRow[]> {
  return planBackports({ cwd: deps.cwd, fixCommits: req.fixCommits, ticket: req.ticket, targets: req.targets, remote: deps.remote });
}
