// `firebreak ship`: the gate, then the release, then the deploy.
//   plan:  gate (from the record and the forge), next version, what will run, the rollback plan.
//          Nothing is merged, tagged or deployed; --dry-run stops here.
//   apply: merge the PR → confirm production contains it → tag the next patch and push it →
//          deploy. Each of these is an effect that reconciles with the world, so a run killed at
//          any point and run again ends with one merge, one tag on the right commit and one deploy.
// Staging (before the merge, levels that need it) deploys the hotfix branch's commit as a
// release candidate of the coming version.
// After a rollback, a new commit on the hotfix branch starts a new release: the rolled-back one
// moves to incident.data.releases, and the merge, tag and deploy keys are new (the head's sha,
// the next tag), so nothing of the earlier release is replayed as if it were this one.

import type { WorkflowDeps } from "./deps.js";
import type { Config } from "../config/schema.js";
import type { Incident } from "../domain/types.js";
import type { Forge, MergeMethod } from "../ports/forge.js";
import { createForge } from "../adapters/forge/create.js";
import { readPr } from "../adapters/forge/git-forge.js";
import { assertSafeRef } from "../adapters/git/safety.js";
import type { Deployer, Deployment } from "../ports/deployer.js";
import { createDeployer } from "../adapters/deploy/create.js";
import { candidateVersion, parseVersion } from "../domain/version.js";
import { FirebreakError } from "../errors.js";
import { throwIfInterrupted } from "../stop.js";
import type { DeployEnv, Gate } from "../domain/gate.js";
import { rollbackOf, runningAfterRollback, type RollbackEntry } from "../ship/cycle.js";
import { computeNextVersion, contains, remoteTags, tagAndPush, tagCollision } from "../ship/release.js";
import { runDeployStep, withDeployment, type StepDeployment } from "../ship/deploy-step.js";
import { acquireLocks, type HeldLock } from "../ship/lock.js";
import { cleanStaleWorktrees } from "../ship/worktree.js";
import { rollbackPlan, type RollbackOption } from "../ship/rollback-plan.js";
import { effect } from "./effect.js";
import { gatherGate, hotfixHead } from "./gate.js";

export interface ShipHooks {
  /** Before the deploy to `env` runs (not called when that deploy is already done). */
  beforeDeploy?(env: DeployEnv): Promise<void>;
  /** After the deploy to `env` is done (also when an earlier run did it: `fresh` is false then). */
  afterDeploy?(env: DeployEnv, deploy: StepDeployment, info: { fresh: boolean }): Promise<void>;
}

export interface ShipRequest {
  to?: DeployEnv;
  /** Use this tag instead of the next patch (after a collision). */
  tag?: string;
}

/** What the release is on the record (incident.data.release). */
export interface ReleaseRecord {
  tag: string;
  version: string;
  previous: string | null;
  mergeSha: string;
  sha: string;
  number: number;
  method: MergeMethod;
  base: string;
  /** The hotfix branch's commit that was merged (missing on records of older versions). */
  head?: string;
  /** The latest release tag the version followed (for display). */
  after?: string | null;
}

export interface ShipPlan {
  incident: Incident;
  env: DeployEnv;
  gate: Gate;
  headSha: string;
  forge: Forge;
  deployer: Deployer | null;
  pr: { number: number; url: string } | null;
  mergeMethod: MergeMethod;
  /** The tag (production) and where it came from. */
  tag: string;
  /** The release production goes back to with `rollback --strategy previous`. */
  previousTag: string | null;
  /** The latest release tag the new one follows (v1.4.3 → v1.4.4). */
  latestTag: string | null;
  tagFromRecord: boolean;
  /** A rolled-back release this one replaces (moved to data.releases when the run goes ahead). */
  supersedes: ReleaseRecord | null;
  /** Releases before this one (data.releases, plus `supersedes`). */
  earlier: ReleaseRecord[];
  /** Effect key of the merge: the first release keeps release.merge:#<n>; later ones add the head. */
  mergeKey: string;
  /** What is deployed: the tag, or the candidate version on staging. */
  version: string;
  deployDescription: string | null;
  rollback: RollbackOption[];
  /** Why the run cannot go ahead although the gate passed (no deployer configured…). */
  problems: string[];
}

export interface ShipOutcome {
  env: DeployEnv;
  version: string;
  merge: { sha: string; how: string } | null;
  tag: string | null;
  deployment: StepDeployment;
  deployHow: string;
}

export const readRelease = (incident: Incident): ReleaseRecord | null => {
  const r = incident.data.release as ReleaseRecord | null | undefined;
  return r && typeof r.tag === "string" ? r : null;
};

/** Earlier releases of this incident that were rolled back and replaced by a new fix. */
export const readReleases = (incident: Incident): ReleaseRecord[] => {
  const list = incident.data.releases;
  return Array.isArray(list) ? (list as ReleaseRecord[]).filter((r) => r && typeof r.tag === "string") : [];
};

/** True when `headSha` is the hotfix commit that `release` already merged and shipped. */
async function alreadyReleased(app: WorkflowDeps, incident: Incident, release: ReleaseRecord, headSha: string): Promise<boolean> {
  if (release.head) return release.head === headSha;
  // Records written before the head was kept: the merge effect's intent, else the merge itself.
  const merge = await (await app.store()).getEffect(incident.id, `release.merge:#${release.number}`);
  if (typeof merge?.intent.headSha === "string") return merge.intent.headSha === headSha;
  return contains(app.git, release.mergeSha, headSha);
}

function nothingNewError(incident: Incident, release: ReleaseRecord, rb: RollbackEntry, running: string | null): FirebreakError {
  return new FirebreakError({
    code: "ROLLED_BACK_NO_NEW_FIX",
    message: `${incident.ticket}'s release ${release.tag} was rolled back (${rb.strategy}, by ${rb.by} at ${rb.at}), and ${incident.branch} has no new commit since.`,
    why: `Shipping now would release the same fix again${running ? ` (production runs ${running})` : ""}. A new release needs a new fix pushed to the hotfix branch.`,
    next: `fix it on ${incident.branch}, then: firebreak commit, firebreak pr, then: firebreak ship`,
  });
}

function prAlreadyMergedError(number: number, earlier: ReleaseRecord | undefined): FirebreakError {
  return new FirebreakError({
    code: "PR_ALREADY_MERGED",
    message: `Pull request #${number} was already merged${earlier ? ` for the release ${earlier.tag}, which was rolled back` : ""}: it cannot bring in the new fix.`,
  });
}

/** Production at once for P0; otherwise staging first when a staging deployer exists and has not deployed yet. */
export function defaultEnv(incident: Incident, config: Config, stagingDone: boolean): DeployEnv {
  if (incident.priority === "P0") return "production";
  const hasStaging = Boolean((config.deploy as { staging?: unknown }).staging);
  return hasStaging && !stagingDone ? "staging" : "production";
}

/** The environment a ship run targets: --to, else the level's default. */
export async function resolveEnv(app: WorkflowDeps, incident: Incident, to: DeployEnv | undefined): Promise<DeployEnv> {
  if (to) return to;
  const config = await app.config();
  if (incident.priority === "P0" || !(config.deploy as { staging?: unknown }).staging) return defaultEnv(incident, config, false);
  // Staging counts as done only for the commit that would ship now.
  const head = await hotfixHead(app, incident);
  const events = await (await app.store()).timeline(incident.id);
  return defaultEnv(
    incident,
    config,
    events.some((e) => e.kind === "deploy.staging.done" && e.data.sha === head),
  );
}

export async function shipForge(app: WorkflowDeps, log?: (l: string) => void): Promise<Forge> {
  const deps = await app.effectDeps();
  return createForge({
    config: await app.config(),
    git: app.git,
    store: deps.store,
    clock: deps.clock,
    actor: deps.actor,
    env: app.env,
    log,
  });
}

export async function planShip(app: WorkflowDeps, incident: Incident, req: ShipRequest, forge: Forge): Promise<ShipPlan> {
  const config = await app.config();
  const store = await app.store();
  const env = await resolveEnv(app, incident, req.to);
  const { gate, headSha } = await gatherGate(app, incident, env, forge, config);
  const problems: string[] = [];
  const deployer = createDeployer(config, env, app.env);
  if (!deployer)
    problems.push(
      `no deployer for ${env}: add deploy.${env} to .firebreak.yml (type: command, vercel, netlify, railway or elastic-beanstalk)`,
    );

  // A release that was rolled back is not shipped again: a new commit makes a new release.
  const current = readRelease(incident);
  const rolledBack = current ? rollbackOf(incident, current.tag) : null;
  let supersedes: ReleaseRecord | null = null;
  if (current && rolledBack) {
    if (await alreadyReleased(app, incident, current, headSha))
      throw nothingNewError(incident, current, rolledBack, runningAfterRollback(incident, current));
    supersedes = current;
  }
  const earlier = [...readReleases(incident), ...(supersedes ? [supersedes] : [])];
  const recorded = supersedes ? null : current;
  let tag: string;
  let previousTag: string | null = null;
  let latestTag: string | null = null;
  if (req.tag) {
    await assertSafeRef(req.tag, "tag name");
    if (!parseVersion(req.tag))
      throw new FirebreakError({ code: "USAGE", message: `--tag ${req.tag} is not a version (MAJOR.MINOR.PATCH, e.g. v1.4.3).` });
    if (recorded && recorded.tag !== req.tag && (await store.getEffect(incident.id, `release.tag:${recorded.tag}`)))
      throw new FirebreakError({
        code: "RELEASE_TAGGED",
        message: `${incident.ticket} is already being released as ${recorded.tag}.`,
        next: `firebreak ship --to ${env}`,
      });
  }
  if (recorded && (!req.tag || req.tag === recorded.tag)) {
    tag = recorded.tag;
    previousTag = recorded.previous;
    latestTag = recorded.after === undefined ? recorded.previous : recorded.after;
  } else {
    await app.git.fetch(incident.remote, [incident.base]);
    const tags = await remoteTags(app.git, incident.remote);
    const next = await computeNextVersion(app.git, tags, `refs/remotes/${incident.remote}/${incident.base}`, config.release);
    tag = req.tag ?? next.tag;
    latestTag = next.previous;
    // After a rollback, "previous" is what production went back to, not the release rolled back.
    previousTag = supersedes ? runningAfterRollback(incident, supersedes) : next.previous;
    // Checked before anything is merged: a tag that already exists is never moved or reused.
    const there = tags.get(tag);
    if (there) throw tagCollision(tag, `on ${incident.remote}`, there, headSha, "this hotfix");
  }
  const version = env === "production" ? tag : candidateVersion(tag, headSha);
  const pr = readPr(incident);
  const mergeHead = recorded?.head ?? headSha;
  const mergeKey = pr
    ? earlier.length === 0
      ? `release.merge:#${pr.number}`
      : `release.merge:#${pr.number}@${mergeHead.slice(0, 12)}`
    : "";
  const target = {
    env,
    version,
    sha: env === "production" ? (recorded?.mergeSha ?? "<merge commit>") : headSha,
    ticket: incident.ticket,
    cwd: ".",
  };
  return {
    incident,
    env,
    gate,
    headSha,
    forge,
    deployer,
    pr: pr ? { number: pr.number, url: pr.url } : null,
    mergeMethod: config.release.mergeMethod,
    tag,
    previousTag,
    latestTag,
    tagFromRecord: Boolean(recorded && tag === recorded.tag),
    supersedes,
    earlier,
    mergeKey,
    version,
    deployDescription: deployer ? deployer.describe(target) : null,
    rollback: rollbackPlan(
      config,
      deployer && env === "production" ? deployer : createDeployer(config, "production", app.env),
      previousTag,
    ),
    problems,
  };
}

export function blockedError(plan: ShipPlan): FirebreakError {
  const unmet = plan.gate.items.filter((i) => !i.met);
  return new FirebreakError({
    code: "GATE_BLOCKED",
    message: `${plan.incident.ticket} cannot go to ${plan.env} yet: ${unmet.length} gate item(s) unmet.`,
    next: unmet[0]?.command ?? "firebreak status",
    details: [...unmet.map((i) => `${i.label}: ${i.detail}${i.command ? ` → ${i.command}` : ""}`), ...plan.problems],
  });
}

/**
 * Takes the incident's and the environment's locks in the store (waiting first for a deploy a dead
 * run left running), fences this run's effects with them, and removes the temporary worktrees of
 * runs that died. Releasing the lock ends the fencing.
 */
export async function lockShip(
  app: WorkflowDeps,
  incident: Incident,
  env: DeployEnv,
  command: string,
  say: (line: string) => void = () => undefined,
): Promise<HeldLock> {
  const store = await app.store();
  // Loaded first: an earlier deploy's output is shown redacted, and the secrets come with the config.
  const config = await app.config().catch(() => null);
  const timeout = (config?.deploy as Record<string, { timeoutSeconds?: number } | undefined> | undefined)?.[env]?.timeoutSeconds;
  const lock = await acquireLocks(
    store,
    [`incident-${incident.ticket}`, `env-${env}`],
    { actor: await app.actor(), command, ticket: incident.ticket },
    app.clock.now(),
    {
      say,
      ...(timeout ? { waitMs: timeout * 1000 } : {}),
    },
  );
  app.held = lock;
  const release = lock.release.bind(lock);
  lock.release = async () => {
    if (app.held === lock) app.held = undefined;
    await release();
  };
  try {
    for (const dir of await cleanStaleWorktrees(app.git)) say(`Removed the temporary worktree ${dir} left by a run that stopped.`);
  } catch {
    /* a leftover folder is untidy, not dangerous: never block a ship for it */
  }
  return lock;
}

export interface ApplyOptions {
  say: (line: string) => void;
  hooks?: ShipHooks;
  redeploy?: boolean;
  confirmDeployed?: boolean;
}

export async function applyShip(app: WorkflowDeps, plan: ShipPlan, o: ApplyOptions): Promise<ShipOutcome> {
  if (!plan.gate.ok || plan.problems.length > 0) throw blockedError(plan);
  const deployer = plan.deployer as Deployer;
  const deps = await app.effectDeps();
  const store = deps.store;
  const inc = plan.incident;
  const command = `firebreak ship --to ${plan.env}`;

  let merge: ShipOutcome["merge"] = null;
  let sha = plan.headSha;
  if (plan.env === "production") {
    const pr = plan.pr as { number: number; url: string };
    const { number } = pr;
    const method = plan.mergeMethod;
    if (plan.supersedes) await supersede(app, inc, plan.supersedes);
    // A merge that belongs to an earlier (rolled-back) release is not this release's merge.
    const earlierMerge = (s: string | null) => (s ? plan.earlier.find((r) => r.mergeSha === s) : undefined);
    throwIfInterrupted();
    const m = await effect(deps, inc.id, plan.mergeKey, {
      kind: "release.merged",
      intent: { number, method, head: inc.branch, base: inc.base, headSha: plan.headSha },
      reconcile: async () => {
        const s = await plan.forge.mergeState(number);
        if (s.merged && earlierMerge(s.sha)) return null;
        return s.merged && s.sha
          ? { number, sha: s.sha, method, base: inc.base, summary: `#${number} merged into ${inc.base} (${s.sha.slice(0, 12)})` }
          : s.merged
            ? "unknown"
            : null;
      },
      perform: async () => {
        if (plan.earlier.length > 0) {
          const s = await plan.forge.mergeState(number);
          if (s.merged && (!s.sha || earlierMerge(s.sha))) throw prAlreadyMergedError(number, earlierMerge(s.sha));
        }
        o.say(`Merging #${number} into ${inc.base} (${method})…`);
        const r = await plan.forge.mergePullRequest(number, method);
        if (earlierMerge(r.sha)) throw prAlreadyMergedError(number, earlierMerge(r.sha));
        return { number, sha: r.sha, method, base: inc.base, summary: `#${number} merged into ${inc.base} (${r.sha.slice(0, 12)})` };
      },
      settle: `look at ${pr.url}: once it shows merged, run: ${command}`,
    });
    const mergeSha = String(m.result.sha);
    merge = { sha: mergeSha, how: m.how };

    // Production's head must contain what was merged: a tag on anything else would ship the wrong code.
    o.say(`Fetching ${inc.remote}/${inc.base} to confirm it contains the fix…`);
    await app.git.fetch(inc.remote, [inc.base]);
    const prodRef = `refs/remotes/${inc.remote}/${inc.base}`;
    const ok = (await contains(app.git, prodRef, mergeSha)) && (method !== "merge" || (await contains(app.git, prodRef, plan.headSha)));
    if (!ok)
      throw new FirebreakError({
        code: "PRODUCTION_MISSING_FIX",
        message: `${inc.remote}/${inc.base} does not contain the merge ${mergeSha.slice(0, 12)} of #${number}.`,
        next: `git log --oneline ${inc.remote}/${inc.base} -5   # then run: ${command}`,
      });
    sha = mergeSha;

    let fresh = (await store.getIncident(inc.id)) ?? inc;
    if (!readRelease(fresh)) {
      const release: ReleaseRecord = {
        tag: plan.tag,
        version: plan.tag,
        previous: plan.previousTag,
        after: plan.latestTag,
        mergeSha,
        sha: mergeSha,
        number,
        method,
        base: inc.base,
        head: plan.headSha,
      };
      fresh = await store.updateIncident(inc.id, { data: { release } });
    }
    throwIfInterrupted();
    await tagAndPush(
      { ...deps, git: app.git },
      {
        incidentId: inc.id,
        remote: inc.remote,
        tag: plan.tag,
        sha: mergeSha,
        message: `Hotfix: ${inc.title} (${inc.ticket})\n`,
        kind: "release.tagged",
        what: "the hotfix merge",
      },
      o.say,
    );
  }

  throwIfInterrupted();
  const key = `deploy.${plan.env}:${plan.version}`;
  const already = (await store.getEffect(inc.id, key))?.state === "done";
  if (!already) await o.hooks?.beforeDeploy?.(plan.env);
  if (!already) o.say(`Deploying ${plan.version} to ${plan.env} with ${deployer.type}…`);
  const d = await runDeployStep(
    app,
    deps,
    inc,
    {
      key,
      kind: `deploy.${plan.env}.done`,
      deployer,
      target: { env: plan.env, version: plan.version, sha, ticket: inc.ticket },
      command,
    },
    { say: o.say, redeploy: o.redeploy, confirmDeployed: o.confirmDeployed },
  );

  const fresh = (await store.getIncident(inc.id)) ?? inc;
  const deploys = withDeployment(fresh, { ...d.result, purpose: "release" });
  // A deploy that happens now puts a new release live (also after a rollback); one replayed from
  // the journal leaves a later status (verified, resolved) as it is.
  const shipped =
    plan.env === "production" &&
    (d.how !== "replayed" || (fresh.status !== "rolled-back" && fresh.status !== "verified" && fresh.status !== "resolved"));
  await store.updateIncident(inc.id, { ...(shipped ? { status: "shipped" as const } : {}), data: { deploys } });
  await o.hooks?.afterDeploy?.(plan.env, d.result, { fresh: d.how !== "replayed" });
  return {
    env: plan.env,
    version: plan.version,
    merge,
    tag: plan.env === "production" ? plan.tag : null,
    deployment: d.result,
    deployHow: d.how,
  };
}

/** Moves a rolled-back release to data.releases, so the new fix is released on its own record. */
async function supersede(app: WorkflowDeps, inc: Incident, old: ReleaseRecord): Promise<void> {
  const store = await app.store();
  const fresh = (await store.getIncident(inc.id)) ?? inc;
  if (readRelease(fresh)?.tag !== old.tag) return; // done by an earlier run
  await store.updateIncident(
    inc.id,
    { data: { releases: [...readReleases(fresh), old], release: null } },
    {
      at: app.clock.now().toISOString(),
      actor: await app.actor(),
      kind: "release.superseded",
      data: { tag: old.tag, mergeSha: old.mergeSha, summary: `${old.tag} was rolled back; a new fix on ${inc.branch} is released next` },
    },
  );
}

export type { Deployment };
