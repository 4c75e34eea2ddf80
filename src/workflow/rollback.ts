// `firebreak rollback`: undo a release that reached production.
//   revert:   `git revert` the merge on the production branch in a throw-away worktree (the
//             person's checkout is never touched), push, tag the next patch, deploy it.
//   previous: the platform's own rollback, or a redeploy of the previous tag.
//   flag:     the team's feature-flag command, or an environment variable set through the deployer.
// Every step is an effect; the result is `rollback.done` on the timeline and status rolled-back.
// A release is rolled back once: a second rollback (by hand or by verify) is refused until a new
// fix has been shipped, so production is never redeployed under a fresh key by accident.
// The verify area calls rollback() directly for an automatic rollback (auto: true).

import type { WorkflowDeps } from "./deps.js";
import type { Incident } from "../domain/types.js";
import type { Deployer, Deployment, DeployTarget } from "../ports/deployer.js";
import { createDeployer } from "../adapters/deploy/create.js";
import { runTeamCommand } from "../adapters/deploy/run-logged.js";
import { FirebreakError } from "../errors.js";
import { computeNextVersion, localTagSha, remoteTags, tagAndPush } from "../ship/release.js";
import { runDeployStep, withDeployment, type StepDeployment } from "../ship/deploy-step.js";
import { defaultStrategy, type RollbackStrategy } from "../ship/rollback-plan.js";
import { withWorktree } from "../ship/worktree.js";
import { rollbackOf } from "../ship/cycle.js";
import { rollbackRedeploysOld, supersededBy, type ProductionDeploy } from "../ship/production-now.js";
import { throwIfInterrupted } from "../stop.js";
import { effect, type EffectDeps } from "./effect.js";
import { lockShip, readRelease, type ReleaseRecord } from "./ship.js";

export interface RollbackOptions {
  strategy?: RollbackStrategy;
  reason: string;
  /** Started by verify on a regression, not by a person. */
  auto?: boolean;
  /** Where progress lines go (the CLI passes its Output). */
  out?: { info(line: string): void };
  redeploy?: boolean;
  confirmDeployed?: boolean;
}

export interface RollbackResult {
  strategy: RollbackStrategy;
  version?: string;
  summary: string;
}

export interface RollbackRecord extends RollbackResult {
  key: string;
  reason: string;
  auto: boolean;
  by: string;
  at: string;
  from: string;
}

const say = (o: RollbackOptions) => (line: string) => o.out?.info(line);

/** The production deploy of `release` (not a rollback's deploy), or null when it is not deployed. */
function releaseDeploy(incident: Incident, release: ReleaseRecord): StepDeployment | null {
  const list = (incident.data.deploys as Record<string, (StepDeployment & { purpose?: string })[]> | undefined)?.production ?? [];
  return list.filter((d) => d.version === release.tag && d.purpose !== "rollback").pop() ?? null;
}

/** What is needed before anything runs: a release in production, a strategy that can run here. */
export async function planRollback(
  app: WorkflowDeps,
  incident: Incident,
  o: Pick<RollbackOptions, "strategy">,
): Promise<{ strategy: RollbackStrategy; release: ReleaseRecord; current: StepDeployment; deployer: Deployer }> {
  const release = readRelease(incident);
  const current = release ? releaseDeploy(incident, release) : null;
  if (!release || !current)
    throw new FirebreakError({
      code: "NOTHING_SHIPPED",
      message: `${incident.ticket} has not been deployed to production${release ? ` as ${release.tag} yet` : ""}, so there is nothing to roll back.`,
      next: `firebreak status ${incident.ticket}`,
    });
  const done = rollbackOf(incident, current.version);
  if (done)
    throw new FirebreakError({
      code: "ALREADY_ROLLED_BACK",
      message: `${incident.ticket}'s release ${current.version} was already rolled back (${done.strategy}${done.version ? ` to ${done.version}` : ""}, by ${done.by}${done.auto ? " automatically" : ""} at ${done.at}), and nothing was shipped since.`,
      next: `firebreak status ${incident.ticket}`,
    });
  const config = await app.config();
  const deployer = createDeployer(config, "production", app.env);
  if (!deployer)
    throw new FirebreakError({
      code: "NO_DEPLOYER",
      message: "No production deployer is configured (deploy.production in .firebreak.yml).",
    });
  const strategy = o.strategy ?? defaultStrategy(config, deployer);
  // Production is shared by every incident: going back from this release must not go back over a
  // newer one that another incident shipped since.
  if (rollbackRedeploysOld(strategy, Boolean(config.rollback.flag?.command))) {
    const newer = supersededBy(incident, current.version, await (await app.store()).listIncidents({ all: true }));
    if (newer) throw notLatestError(incident, release, current, strategy, newer);
  }
  if (strategy === "previous" && !deployer.rollback && !release.previous)
    throw new FirebreakError({
      code: "NO_PREVIOUS",
      message: `There is no release before ${release.tag} to go back to, and ${deployer.type} has no rollback of its own.`,
    });
  const flag = config.rollback.flag;
  if (strategy === "flag" && !flag?.command && !(flag?.env && deployer.setEnv))
    throw new FirebreakError({ code: "NO_FLAG", message: "No feature flag is configured for a rollback." });
  return { strategy, release, current, deployer };
}

function notLatestError(
  incident: Incident,
  release: ReleaseRecord,
  current: StepDeployment,
  strategy: RollbackStrategy,
  newer: ProductionDeploy,
): FirebreakError {
  const when = newer.at.slice(0, 16).replace("T", " ");
  const goesTo = strategy === "previous" ? (release.previous ?? "the previous deployment") : current.version;
  const keep = `firebreak rollback ${incident.ticket} --strategy revert   # reverts only ${incident.ticket}'s merge on ${incident.base}, keeping ${newer.ticket}'s`;
  return new FirebreakError({
    code: "ROLLBACK_NOT_LATEST",
    message:
      newer.purpose === "release"
        ? `Production runs ${newer.version}, shipped by ${newer.ticket} at ${when} UTC, not ${incident.ticket}'s release ${current.version}; nothing was rolled back.`
        : `Production runs ${newer.version}, put back by ${newer.ticket}'s rollback at ${when} UTC, not ${incident.ticket}'s release ${current.version}; nothing was rolled back.`,
    why: `Rolling ${incident.ticket} back with --strategy ${strategy} would deploy ${goesTo} over ${newer.version}, and so undo ${newer.ticket}'s ${newer.purpose === "release" ? "fix" : "rollback"} too.`,
    next:
      newer.purpose === "release"
        ? `firebreak rollback ${newer.ticket}   # the newer release first (see: firebreak status ${newer.ticket}); or: ${keep}`
        : `firebreak status ${newer.ticket}   # then, if ${incident.ticket}'s fix must go: ${keep}`,
  });
}

export async function rollback(app: WorkflowDeps, incident: Incident, o: RollbackOptions): Promise<RollbackResult> {
  const planned = await planRollback(app, incident, o);
  const lock = await lockShip(app, incident, "production", `rollback --strategy ${planned.strategy}`, say(o));
  try {
    const deps = await app.effectDeps();
    // Again under the lock: a rollback that just finished may have changed the record.
    incident = (await deps.store.getIncident(incident.id)) ?? incident;
    const { strategy, release, current, deployer } = await planRollback(app, incident, { ...o, strategy: planned.strategy });
    const run = strategy === "revert" ? revert : strategy === "previous" ? previous : flag;
    const { key, version, summary, deployment } = await run(app, deps, incident, release, current, deployer, o);

    const fresh = (await deps.store.getIncident(incident.id)) ?? incident;
    const rollbacks = ((fresh.data.rollbacks as RollbackRecord[] | undefined) ?? []).slice();
    if (!rollbacks.some((r) => r.key === key)) {
      const entry: RollbackRecord = {
        key,
        strategy,
        ...(version ? { version } : {}),
        summary,
        reason: o.reason,
        auto: Boolean(o.auto),
        by: deps.actor,
        at: app.clock.now().toISOString(),
        from: current.version,
      };
      rollbacks.push(entry);
      const deploys = deployment ? withDeployment(fresh, { ...deployment, purpose: "rollback" }) : undefined;
      await deps.store.updateIncident(
        incident.id,
        { status: "rolled-back", data: { rollbacks, ...(deploys ? { deploys } : {}) } },
        {
          at: entry.at,
          actor: deps.actor,
          kind: "rollback.done",
          data: { strategy, version: version ?? null, from: current.version, reason: o.reason, auto: Boolean(o.auto), summary },
        },
      );
    }
    return { strategy, ...(version ? { version } : {}), summary };
  } finally {
    await lock.release();
  }
}

type Step = (
  app: WorkflowDeps,
  deps: EffectDeps,
  incident: Incident,
  release: ReleaseRecord,
  current: StepDeployment,
  deployer: Deployer,
  o: RollbackOptions,
) => Promise<{ key: string; version?: string; summary: string; deployment?: StepDeployment }>;

/** A commit on the branch that says it reverts `sha` (an earlier, interrupted run's revert). */
async function findRevert(app: WorkflowDeps, ref: string, sha: string): Promise<string | null> {
  const out = await app.git.git([
    "log",
    "--first-parent",
    "--max-count=200",
    "--format=%H",
    `--grep=This reverts commit ${sha}`,
    "--fixed-strings",
    "--end-of-options",
    ref,
  ]);
  return (
    out
      .split("\n")
      .map((l) => l.trim())
      .find(Boolean) ?? null
  );
}

const revert: Step = async (app, deps, incident, release, _current, deployer, o) => {
  const { remote, base } = incident;
  const prodRef = `refs/remotes/${remote}/${base}`;
  const command = "firebreak rollback --strategy revert";
  await app.git.fetch(remote, [base]);
  const rv = await effect(deps, incident.id, `rollback.revert:${release.mergeSha}`, {
    kind: "rollback.reverted",
    intent: { sha: release.mergeSha, base, remote },
    reconcile: async () => {
      await app.git.fetch(remote, [base]);
      const found = await findRevert(app, prodRef, release.mergeSha);
      return found ? { sha: found, reverts: release.mergeSha, summary: `reverted ${release.mergeSha.slice(0, 12)} on ${base}` } : null;
    },
    perform: async () => {
      // An earlier attempt whose push reached the remote but reported an error (a dropped
      // connection, a timeout) left its revert there: adopt it, never revert twice.
      throwIfInterrupted();
      await app.git.fetch(remote, [base]);
      const landed = await findRevert(app, prodRef, release.mergeSha);
      if (landed)
        return {
          sha: landed,
          reverts: release.mergeSha,
          summary: `reverted ${release.mergeSha.slice(0, 12)} on ${base} (found on ${remote})`,
        };
      const prodSha = await app.git.revParse(prodRef);
      say(o)(`Reverting ${release.mergeSha.slice(0, 12)} on ${remote}/${base} (in a temporary worktree)…`);
      const sha = await withWorktree(app.git, prodSha, async (_dir, wt) => {
        const parents =
          (await wt.git(["rev-list", "--parents", "--max-count=1", "--end-of-options", release.mergeSha])).trim().split(" ").length - 1;
        const r = await wt.raw(["revert", "--no-commit", ...(parents > 1 ? ["-m", "1"] : []), "--end-of-options", release.mergeSha]);
        if (r.code !== 0)
          throw new FirebreakError({
            code: "REVERT_CONFLICT",
            message: `The merge ${release.mergeSha.slice(0, 12)} does not revert cleanly on ${base}: later commits changed the same lines.`,
            details: r.stderr.split("\n").filter(Boolean).slice(0, 10),
          });
        // The message goes through stdin: the title and the reason are people's text.
        const message = `Revert hotfix ${incident.ticket}: ${incident.title}\n\nThis reverts commit ${release.mergeSha}.\n\nReason: ${o.reason}\nTicket: ${incident.ticket}\n`;
        await wt.git(["commit", "--quiet", "--no-verify", "--file=-"], { input: message });
        const head = await wt.headSha();
        await wt.git(["push", "--quiet", "--end-of-options", remote, `${head}:refs/heads/${base}`], { remote, timeoutMs: 120_000 });
        return head;
      });
      return { sha, reverts: release.mergeSha, summary: `reverted ${release.mergeSha.slice(0, 12)} on ${base}` };
    },
    settle: `look at ${remote}/${base} for a commit "This reverts commit ${release.mergeSha}", then run: ${command}`,
  });
  const revertSha = String(rv.result.sha);
  await app.git.fetch(remote, [base]);

  // The tag: one already on the revert (an interrupted earlier run), else the next patch.
  const tags = await remoteTags(app.git, remote);
  let tag = [...tags].find(([, s]) => s === revertSha)?.[0] ?? null;
  if (!tag) {
    const local = (await app.git.git(["tag", "--points-at", revertSha]))
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    for (const t of local) if ((await localTagSha(app.git, t)) === revertSha) tag = t;
  }
  tag ??= (await computeNextVersion(app.git, tags, revertSha, (await app.config()).release)).tag;
  await tagAndPush(
    { ...deps, git: app.git },
    {
      incidentId: incident.id,
      remote,
      tag,
      sha: revertSha,
      message: `Rollback: revert ${incident.title} (${incident.ticket})\n\nReason: ${o.reason}\n`,
      kind: "rollback.tagged",
      what: "the revert",
    },
    say(o),
  );

  const d = await runDeployStep(
    app,
    deps,
    incident,
    {
      key: `rollback.deploy:${tag}`,
      kind: "rollback.deployed",
      deployer,
      target: { env: "production", version: tag, sha: revertSha, ticket: incident.ticket },
      command,
    },
    { say: say(o), redeploy: o.redeploy, confirmDeployed: o.confirmDeployed },
  );
  return {
    key: `revert:${release.mergeSha}`,
    version: tag,
    summary: `reverted ${release.tag}'s merge on ${base}, tagged ${tag} and deployed it`,
    deployment: d.result,
  };
};

const previous: Step = async (app, deps, incident, release, current, deployer, o) => {
  const command = "firebreak rollback --strategy previous";
  const prevTag = release.previous;
  const prevSha = prevTag ? ((await app.git.remoteTagSha(incident.remote, prevTag)) ?? (await localTagSha(app.git, prevTag))) : null;
  const prevDeploy =
    ((incident.data.deploys as Record<string, StepDeployment[]> | undefined)?.production ?? [])
      .filter((d) => d.version === prevTag)
      .pop() ?? null;
  const version = prevTag ?? current.replaced ?? "the previous deployment";
  const platform = deployer.rollback;
  const key = `rollback.previous:${current.version}`;
  // Without the previous commit only the platform's own rollback can go back; redeploying
  // anything else under the previous version's name would put the wrong code in production.
  if (!prevSha && !platform && !(await deps.store.getEffect(incident.id, key)))
    throw new FirebreakError({
      code: "PREVIOUS_NOT_FOUND",
      message: prevTag
        ? `The previous release ${prevTag} is not on ${incident.remote} or in this repository, so there is no commit to redeploy.`
        : `There is no release before ${release.tag} on the record to redeploy.`,
      why: `${deployer.type} has no rollback of its own, and deploying another commit labelled ${prevTag ?? "as the previous version"} would be wrong.`,
      next: prevTag
        ? `git fetch --tags ${incident.remote}   # if ${prevTag} should be there; else: firebreak rollback --strategy revert`
        : "firebreak rollback --strategy revert",
    });
  // The platform's rollback does not build the commit: the release's checkout only gives it a
  // working directory, and an unknown previous commit is passed on as unknown (empty).
  const target: Omit<DeployTarget, "cwd"> = { env: "production", version, sha: prevSha ?? current.sha, ticket: incident.ticket };
  const d = await runDeployStep(
    app,
    deps,
    incident,
    {
      key,
      kind: "rollback.deployed",
      deployer,
      target,
      command,
      ...(platform
        ? {
            action: (t: DeployTarget, io: Parameters<NonNullable<Deployer["rollback"]>>[3]) =>
              platform.call(deployer, current, { version, sha: prevSha ?? "", deployment: prevDeploy as Deployment | null }, t, io),
          }
        : {}),
    },
    { say: say(o), redeploy: o.redeploy, confirmDeployed: o.confirmDeployed },
  );
  const how = platform ? deployer.rollbackMethod : `redeployed ${version} through ${deployer.type}`;
  return { key: `previous:${current.version}`, version, summary: `production back on ${version} (${how})`, deployment: d.result };
};

const flag: Step = async (app, deps, incident, _release, current, deployer, o) => {
  const f = (await app.config()).rollback.flag ?? {};
  const key = `rollback.flag:${current.version}`;
  if (f.command) {
    const cmd = f.command;
    const root = await app.repoRoot();
    // Switching a flag off twice changes nothing, so an interrupted run may simply run it again.
    await effect(deps, incident.id, key, {
      kind: "rollback.flag-off",
      intent: { command: cmd },
      reconcile: async () => null,
      perform: async () => {
        const logFile = `${await app.git.commonDir()}/firebreak/logs/${incident.ticket.replace(/[^A-Za-z0-9._-]/g, "_")}-flag.log`;
        const { mkdir } = await import("node:fs/promises");
        await mkdir(`${await app.git.commonDir()}/firebreak/logs`, { recursive: true });
        const io = { logFile, announce: (t: string) => say(o)(t), line: (t: string) => say(o)(`  │ ${t}`) };
        const r = await runTeamCommand(cmd, io, {
          cwd: root,
          env: { FIREBREAK_TICKET: incident.ticket, FIREBREAK_VERSION: current.version, FIREBREAK_ENV: "production" },
          timeoutMs: 600_000,
        });
        if (r.code !== 0)
          throw new FirebreakError({
            code: "FLAG_FAILED",
            message: `The feature-flag command failed (exit ${r.code ?? r.signal}).`,
            why: `The log is in ${logFile}.`,
          });
        return { command: cmd, summary: "feature flag switched off" };
      },
    });
    return { key: `flag:${current.version}`, summary: `feature flag switched off (${cmd})` };
  }
  const env = f.env as { name: string; value: string };
  const setEnv = deployer.setEnv as NonNullable<Deployer["setEnv"]>;
  const d = await runDeployStep(
    app,
    deps,
    incident,
    {
      key,
      kind: "rollback.flag-off",
      deployer,
      target: { env: "production", version: current.version, sha: current.sha, ticket: incident.ticket },
      command: "firebreak rollback --strategy flag",
      action: (t, io) => setEnv.call(deployer, env.name, env.value, current, t, io),
      // Setting a variable through a deployer redeploys or restarts production (a command deployer
      // runs the whole deploy again), and no deployer's status shows the variable: an interrupted
      // run is settled by a person (--confirm-deployed or --redeploy), never repeated by itself.
      reconcile: async () => "unknown",
    },
    { say: say(o), redeploy: o.redeploy, confirmDeployed: o.confirmDeployed },
  );
  return {
    key: `flag:${current.version}`,
    version: current.version,
    summary: `${env.name}=${env.value} set through ${deployer.type}`,
    deployment: d.result,
  };
};
