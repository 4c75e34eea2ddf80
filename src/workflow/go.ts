// What `firebreak go` needs to know to pick the next step (domain/go.ts), read from the record, the
// repository and the configuration; and the one thing go does that no single command does:
// staging the change the guard just checked, so the commit holds exactly what was checked.

import type { WorkflowDeps } from "./deps.js";
import type { Incident } from "../domain/types.js";
import { incidentState } from "../domain/state/state.js";
import type { GoFacts } from "../domain/go.js";
import { readActions } from "../review/types.js";
import { untrackedReviewFiles } from "./review-files.js";
import { configuredChannels } from "./announce.js";
import { E } from "../errors.js";

/** Channels where the team talks: go may tell the on-call there itself (customers read the others). */
const CHAT = new Set(["slack", "teams", "webhook"]);

/** The working tree's changes as `git status` lists them, without this incident's review files. */
export async function changedFiles(deps: WorkflowDeps, incident: Incident): Promise<string[]> {
  const r = await deps.git.raw(["status", "--porcelain=v1", "-z", "--untracked-files=all"]);
  if (r.code !== 0) return [];
  const review = new Set(await untrackedReviewFiles(deps, incident));
  const paths: string[] = [];
  const entries = r.stdout.split("\0");
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.length < 4) continue;
    const xy = e.slice(0, 2);
    paths.push(e.slice(3));
    // A rename or copy lists its source next: that path is part of the same change.
    if (xy.includes("R") || xy.includes("C")) paths.push(entries[++i] ?? "");
  }
  return paths.filter((p) => p !== "" && !review.has(p));
}

/** A passing check was recorded after this commit was made (its committer date). */
async function checkedSince(deps: WorkflowDeps, sha: string, state: ReturnType<typeof incidentState>): Promise<boolean> {
  const r = await deps.git.raw(["log", "-1", "--format=%cI", "--end-of-options", sha]);
  const made = Date.parse(r.stdout.trim());
  if (r.code !== 0 || Number.isNaN(made)) return false;
  return state.checks.summaries.some((c) => c.ok && Date.parse(c.at) >= made);
}

export async function goFacts(deps: WorkflowDeps, incident: Incident, run: { checked: boolean }): Promise<GoFacts> {
  const store = await deps.store();
  const events = await store.timeline(incident.id);
  const config = await deps.config();
  const pushes = events.filter((e) => e.kind === "pr.opened" || e.kind === "pr.updated");
  const channels = configuredChannels(config.notify);
  const state = incidentState(events);
  const localHead = await deps.git.revParse(`refs/heads/${incident.branch}`).catch(() => null);
  const pushedHead = await deps.git.remoteBranchSha(incident.remote, incident.branch).catch(() => null);
  const recorded = new Set(state.commits.map((c) => c.sha));
  return {
    priority: incident.priority,
    state,
    // A head the record does not know (a commit made with plain git) and no passing check since it was made.
    headUnrecorded:
      localHead !== null && state.commits.length > 0 && !recorded.has(localHead) && !(await checkedSince(deps, localHead, state)),
    headUnpushed: localHead !== null && pushedHead !== null && localHead !== pushedHead,
    notifyChannels: channels.length,
    changedFiles: (await changedFiles(deps, incident)).length,
    checkedThisRun: run.checked,
    lastPrPushSeq: pushes.length ? Math.max(...pushes.map((e) => e.seq)) : null,
    stagingConfigured: config.deploy.staging !== undefined,
    verifyConfigured: config.verify.smoke.length > 0 || config.verify.metrics.length > 0,
    metricsConfigured: config.verify.metrics.length > 0,
    chatChannels: channels.filter((c) => CHAT.has(c)),
    approvalOnForge: config.forge.type !== "git",
    backportTargets: config.backport.targets?.length ?? 0,
    actionItems: readActions(incident).length,
    reviewWritten: events.some((e) => e.kind === "review.written"),
  };
}

/**
 * Stages every file of the change check just passed (the guard read the same set: committed, staged,
 * working tree and untracked, review files left out), so `commit` commits what was checked and
 * nothing else. Paths go after `--` and as literal pathspecs: a file named like an option or a
 * glob is only ever a file.
 */
export async function stageCheckedChange(deps: WorkflowDeps, incident: Incident): Promise<string[]> {
  const files = await changedFiles(deps, incident);
  if (files.length === 0) return [];
  const r = await deps.git.raw(["add", "-A", "--", ...files.map((p) => `:(literal)${p}`)]);
  if (r.code !== 0)
    throw E.usage(`Could not stage the checked change: ${r.stderr.trim()}`, "git add <the fix and its test>, then: firebreak go");
  return files;
}
