// `firebreak pr`: plan (title, labels and body from the record; nothing written, nothing sent),
// then apply: push the branch, create missing labels, open the PR or update the one already open
// for this head branch, add what is missing (labels, reviewers). Every create is an effect that
// reconciles with the forge, so a re-run after any failure ends with exactly one PR.

import { createHash } from "node:crypto";
import type { Config } from "../config/schema.js";
import type { Incident, Priority, TimelineEvent } from "../domain/types.js";
import type { Git } from "../ports/git.js";
import type { Forge, Label, PullRequest } from "../ports/forge.js";
import { readPr } from "../adapters/forge/git-forge.js";
import { FirebreakError } from "../errors.js";
import { renderTemplate } from "../render/template.js";
import { loadTemplate } from "../render/templates/index.js";
import { effect, type EffectDeps } from "./effect.js";
import { requirePerson } from "../domain/actor.js";
import { buildPrView, readPrSettings } from "./pr-view.js";
import { readRollbacks } from "../ship/cycle.js";

export interface PrDeps extends EffectDeps {
  git: Git;
  forge: Forge;
  config: Config;
  /** Where .firebreak/templates/ overrides are looked for; null for defaults only. */
  repoRoot: string | null;
  progress?: (msg: string) => void;
}

export interface PrRequest {
  draft?: boolean;
  reviewers?: string[];
}

export interface PrPlan {
  incidentId: string;
  ticket: string;
  head: string;
  base: string;
  remote: string;
  headSha: string;
  title: string;
  body: string;
  labels: Label[];
  draft: boolean;
  reviewers: string[];
  /** "default" or the override file each came from. */
  templates: { title: string; body: string };
}

export interface PrOutcome {
  pr: PullRequest;
  opened: boolean; // false: an existing PR was found and brought up to date
  updated: boolean;
  labelsAdded: string[];
  reviewersRequested: string[];
}

const PRIORITY_COLORS: Record<Priority, string> = { P0: "b60205", P1: "d93f0b", P2: "fbca04", P3: "0e8a16" };

export function prLabels(priority: Priority): Label[] {
  return [
    { name: "release", color: "1d76db", description: "Goes to production as a release" },
    { name: "hotfix", color: "e99695", description: "Emergency fix made with firebreak" },
    { name: priority, color: PRIORITY_COLORS[priority], description: `Priority ${priority}` },
  ];
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9_.-]{1,100})?$/;

export async function planPullRequest(deps: PrDeps, incident: Incident, req: PrRequest = {}): Promise<PrPlan> {
  const reviewers = [...new Set((req.reviewers ?? []).map((r) => r.trim().replace(/^@/, "")).filter((r) => r !== ""))];
  for (const r of reviewers)
    if (!LOGIN.test(r))
      throw new FirebreakError({
        code: "USAGE",
        message: `--reviewer ${JSON.stringify(r)} is not a login (letters, digits and -; org/team for a team).`,
      });

  const headSha = await deps.git.revParse(`refs/heads/${incident.branch}`).catch(() => {
    throw new FirebreakError({
      code: "NO_BRANCH",
      message: `The hotfix branch ${incident.branch} does not exist here.`,
      next: `git fetch ${incident.remote} ${incident.branch}`,
    });
  });
  const timeline = await deps.store.timeline(incident.id);
  await refuseWithoutFixCommit(deps, incident, headSha, timeline);
  const settings = readPrSettings(deps.config);
  const view = buildPrView(incident, timeline, settings);
  const titleT = await loadTemplate(deps.repoRoot, "pr-title.txt");
  const bodyT = await loadTemplate(deps.repoRoot, "pr-body.md");
  const titleText = settings.titleFormat && titleT.source === "default" ? settings.titleFormat : titleT.text;
  const title = renderTemplate(
    titleText,
    view as unknown as Record<string, unknown>,
    "plain",
    titleT.source === "default" && settings.titleFormat ? "pr.titleFormat" : titleT.source,
  )
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 256);
  const body = renderTemplate(bodyT.text, view as unknown as Record<string, unknown>, bodyT.channel, bodyT.source).replace(
    /\n{3,}/g,
    "\n\n",
  );
  return {
    incidentId: incident.id,
    ticket: incident.ticket,
    head: incident.branch,
    base: incident.base,
    remote: incident.remote,
    headSha,
    title,
    body,
    labels: prLabels(incident.priority),
    draft: req.draft ?? false,
    reviewers,
    templates: { title: titleT.source, body: bodyT.source },
  };
}

/**
 * A pull request is for reviewing the fix: with no `commit.created` on the record and the branch
 * still where start left it (its base, or the carried config on top), there is nothing to review.
 * A fix committed with plain git still counts: the branch then has a commit of its own.
 */
async function refuseWithoutFixCommit(
  deps: PrDeps,
  incident: Incident,
  headSha: string,
  timeline: readonly TimelineEvent[],
): Promise<void> {
  if (timeline.some((e) => e.kind === "commit.created")) return;
  const startedAt = new Set<string>();
  for (const key of [`git.branch:${incident.branch}`, `git.carry-config:${incident.branch}`]) {
    const sha = (await deps.store.getEffect(incident.id, key))?.result?.sha;
    if (typeof sha === "string") startedAt.add(sha);
  }
  let onBase = startedAt.has(headSha);
  for (const ref of [`refs/remotes/${incident.remote}/${incident.base}`, `refs/heads/${incident.base}`]) {
    if (onBase) break;
    if (await deps.git.refExists(ref)) onBase = await deps.git.isAncestor(headSha, ref).catch(() => false);
  }
  if (!onBase) return;
  throw new FirebreakError({
    code: "NO_FIX_COMMIT",
    message: `${incident.ticket} has no fix commit yet: ${incident.branch} has nothing beyond ${incident.base}, so a pull request would have nothing to review.`,
    next: 'git add -A && firebreak commit --what "…" --root-cause "…"',
  });
}

const digest = (...parts: string[]) => createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 12);

export async function applyPullRequest(deps: PrDeps, plan: PrPlan): Promise<PrOutcome> {
  const { git, forge, store } = deps;
  const say = deps.progress ?? (() => undefined);
  const id = plan.incidentId;
  const { head, base, remote, headSha } = plan;

  await effect(deps, id, `pr.push:${head}@${headSha}`, {
    kind: "branch.pushed",
    intent: { remote, branch: head, sha: headSha },
    reconcile: async () => ((await git.remoteBranchSha(remote, head)) === headSha ? { remote, branch: head, sha: headSha } : null),
    perform: async () => {
      say(`Pushing ${head} to ${remote}…`);
      await git.pushBranch(remote, head);
      return { remote, branch: head, sha: headSha };
    },
  });

  say("Creating missing labels…");
  await forge.ensureLabels(plan.labels);

  // After a rollback the merged PR is history: the next fix gets a PR of its own, under its own key.
  const current = await store.getIncident(id);
  const cycle = current ? readRollbacks(current).length : 0;
  const openKey = cycle === 0 ? "pr.open" : `pr.open@attempt-${cycle + 1}`;
  let opened = false;
  const open = await effect(deps, id, openKey, {
    kind: "pr.opened",
    intent: { forge: forge.kind, head, base, title: plan.title, draft: plan.draft },
    reconcile: async () => {
      const pr = await forge.findPullRequest(head, base);
      return pr ? { number: pr.number, url: pr.url } : null;
    },
    perform: async () => {
      const found = await forge.findPullRequest(head, base);
      if (found) return { number: found.number, url: found.url, adopted: true };
      say(`Opening the pull request ${head} → ${base}…`);
      const pr = await forge.openPullRequest({ head, base, title: plan.title, body: plan.body, draft: plan.draft });
      opened = true;
      return { number: pr.number, url: pr.url };
    },
    settle: "look for the pull request on the forge, then run: firebreak pr",
  });
  const number = Number(open.result.number);

  let pr = await forge.findPullRequest(head, base);
  if (!pr || pr.number !== number) {
    // Merged by ship is the usual reason: then there is nothing left to do to the PR.
    const merged = (await deps.store.timeline(id)).some((e) => e.kind === "release.merged");
    if (merged)
      throw new FirebreakError({
        code: "PR_MERGED",
        message: `Pull request #${number} for ${head} was merged by firebreak ship; it cannot change any more.`,
        next: `firebreak status ${plan.ticket}`,
      });
    throw new FirebreakError({
      code: "PR_CLOSED",
      message: `Pull request #${number} for ${head} is no longer open.`,
      next: "reopen it on the forge, then run: firebreak pr",
    });
  }

  let updated = false;
  const updateKey = `pr.update:${digest(plan.title, plan.body)}`;
  // An update an earlier run began (killed before it recorded the result) is settled even when the
  // PR already reads right, or its journal row would stay unfinished for good.
  const unfinished = (await store.getEffect(id, updateKey))?.state;
  if (pr.title !== plan.title || pr.body !== plan.body || (unfinished !== undefined && unfinished !== "done")) {
    const current = pr;
    await effect(deps, id, updateKey, {
      kind: "pr.updated",
      intent: { number, title: plan.title },
      reconcile: async () => {
        const now = await forge.findPullRequest(head, base);
        return now && now.title === plan.title && now.body === plan.body ? { number } : null;
      },
      perform: async () => {
        say(`Updating pull request #${number}…`);
        await forge.updatePullRequest(current.number, { title: plan.title, body: plan.body });
        updated = true;
        return { number };
      },
    });
    pr = (await forge.findPullRequest(head, base)) ?? pr;
  }

  // Adding a label or a reviewer twice changes nothing, so these need no journal: each run adds
  // what is missing now (someone may have removed a label since).
  const labelsAdded = plan.labels.map((l) => l.name).filter((n) => !pr.labels.includes(n));
  if (labelsAdded.length > 0) {
    say(`Labelling #${number}: ${labelsAdded.join(", ")}…`);
    await forge.addLabels(number, labelsAdded);
    await store.appendEvent(id, {
      at: deps.clock.now().toISOString(),
      actor: deps.actor,
      kind: "pr.labeled",
      data: { number, labels: labelsAdded },
    });
  }
  const reviewersRequested = plan.reviewers.filter((r) => !pr.requestedReviewers.includes(r));
  if (reviewersRequested.length > 0) {
    say(`Requesting reviews from ${reviewersRequested.join(", ")}…`);
    await forge.requestReviewers(number, reviewersRequested);
    await store.appendEvent(id, {
      at: deps.clock.now().toISOString(),
      actor: deps.actor,
      kind: "pr.review-requested",
      data: { number, reviewers: reviewersRequested },
    });
  }

  const final: PullRequest = {
    ...pr,
    labels: [...new Set([...pr.labels, ...labelsAdded])],
    requestedReviewers: [...new Set([...pr.requestedReviewers, ...reviewersRequested])],
  };
  const incident = await store.getIncident(id);
  const onRecord = incident ? readPr(incident) : null;
  await store.updateIncident(id, {
    ...(incident?.status === "open" ? { status: "pr-open" as const } : {}),
    data: { pr: { ...(onRecord ?? {}), ...final, forge: forge.kind } },
  });
  return { pr: final, opened, updated, labelsAdded, reviewersRequested };
}

// --- approve (the git forge's review) ------------------------------------------------------

export interface ApproveRequest {
  by: string;
  note?: string;
  /** the hotfix branch's commit being approved (the pushed head) */
  sha?: string;
}

/** Records an approval of the incident's PR (`review.approved` { by, note, number, sha }). Plain-git forge only: on GitHub, people approve on GitHub. */
export async function recordApproval(
  deps: EffectDeps,
  incident: Incident,
  req: ApproveRequest,
): Promise<{ by: string; note: string | null; number: number; sha: string | null; already: boolean }> {
  requirePerson(deps.actorKind, "approve", deps.actor);
  const pr = readPr(incident);
  if (!pr) throw new FirebreakError({ code: "NO_PR", message: `${incident.ticket} has no pull request yet.` });
  const forge = (incident.data.pr as { forge?: string }).forge;
  // Only the plain git forge keeps approvals on the record; a hosted forge is where people approve.
  if (forge !== undefined && forge !== "git")
    throw new FirebreakError({
      code: "APPROVE_ON_FORGE",
      message: `${incident.ticket}'s pull request is on ${forge === "github" ? "GitHub" : forge}: approvals are read from there.`,
      next: `approve it at ${pr.url}`,
    });
  const by = req.by.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  if (by === "" || by.length > 100)
    throw new FirebreakError({ code: "USAGE", message: "--by needs the approver's name (up to 100 characters)." });
  const note = req.note?.replace(/\r\n?/g, "\n").trim() || null;
  const sha = req.sha ?? null;
  // One approval per approver and commit: a repeat (a retried command, a double click) is the
  // same decision, so the first one stands and nothing is appended.
  const earlier = (await deps.store.timeline(incident.id)).find(
    (e) =>
      e.kind === "review.approved" &&
      e.data.by === by &&
      e.data.number === pr.number &&
      ((e.data.sha as string | undefined) ?? null) === sha,
  );
  if (earlier) {
    const was = earlier.data as { note?: string | null };
    return { by, note: was.note ?? null, number: pr.number, sha, already: true };
  }
  await deps.store.appendEvent(incident.id, {
    at: deps.clock.now().toISOString(),
    actor: deps.actor,
    kind: "review.approved",
    data: { by, note, number: pr.number, ...(sha ? { sha } : {}) },
  });
  return { by, note, number: pr.number, sha, already: false };
}
