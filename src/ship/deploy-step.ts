// One deploy as an effect. The intent is written before the deployer runs; a re-run after an
// interruption asks the deployer whether the version is live (its status command, or the
// platform). When nobody can say, the person decides (--redeploy or --confirm-deployed): a deploy
// is never repeated silently.

import { mkdir } from "node:fs/promises";
import type { DeployDoneKind } from "../domain/events/index.js";
import { hostname } from "node:os";
import { join } from "node:path";
import type { DeployMark } from "../ports.js";
import { waitForDeploy } from "./orphan.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import type { Incident } from "../domain/types.js";
import type { Deployer, Deployment, DeployIO, DeployTarget } from "../ports/deployer.js";
import { FirebreakError } from "../errors.js";
import { throwIfInterrupted } from "../stop.js";
import { effect, type EffectDeps, type EffectOutcome } from "../workflow/effect.js";
import { withWorktree } from "./worktree.js";

export interface DeployStep {
  key: string; // effect key, e.g. deploy.production:v1.4.3
  kind: DeployDoneKind | "rollback.deployed" | "rollback.flag-off"; // timeline kind when done, e.g. deploy.production.done
  deployer: Deployer;
  target: Omit<DeployTarget, "cwd">;
  /** What runs: deployer.deploy by default; a rollback or a flag change otherwise. */
  action?: (t: DeployTarget, io: DeployIO) => Promise<Deployment>;
  /** How a re-run recognises it happened: deployer.isLive(target) by default. */
  reconcile?: (t: DeployTarget, io: DeployIO) => Promise<boolean | "unknown">;
  /** The command a person runs to settle a deploy nobody can confirm (without the flag). */
  command: string;
}

export interface DeployOptions {
  redeploy?: boolean;
  confirmDeployed?: boolean;
  say: (line: string) => void;
}

export type StepDeployment = Deployment & { key: string; at: string; reconciled?: boolean; confirmedBy?: string };

async function logFileFor(app: WorkflowDeps, incident: Incident, step: DeployStep): Promise<string> {
  const dir = join(await app.git.commonDir(), "firebreak", "logs", incident.ticket.replace(/[^A-Za-z0-9._-]/g, "_"));
  await mkdir(dir, { recursive: true });
  const stamp = app.clock.now().toISOString().replace(/[:.]/g, "-");
  return join(dir, `${stamp}-${step.key.replace(/[^A-Za-z0-9._-]/g, "_")}.log`);
}

/** Runs `fn` where the deployer works: a clean checkout of the commit, or the repository root. */
async function inWorkdir<T>(app: WorkflowDeps, step: DeployStep, fn: (t: DeployTarget) => Promise<T>): Promise<T> {
  const root = await app.repoRoot();
  if (step.deployer.workdir === "repo") return fn({ ...step.target, cwd: root });
  return withWorktree(app.git, step.target.sha, (dir) => fn({ ...step.target, cwd: dir }), { copyLinksFrom: root });
}

/** The deploy an earlier run of this step started, as its intent records it. */
const markOf = (intent: Record<string, unknown> | undefined): DeployMark | null => {
  const d = intent?.deploy as DeployMark | undefined;
  return d && typeof d.pgid === "number" && typeof d.host === "string" ? d : null;
};

/** How long a rerun waits for a deploy a dead run left running: the deployer's own timeout. */
async function deployTimeoutMs(app: WorkflowDeps, env: string): Promise<number> {
  const config = await app.config().catch(() => null);
  const t = (config?.deploy as Record<string, { timeoutSeconds?: number } | undefined> | undefined)?.[env]?.timeoutSeconds;
  return (t ?? 1800) * 1000;
}

export async function runDeployStep(
  app: WorkflowDeps,
  deps: EffectDeps,
  incident: Incident,
  step: DeployStep,
  o: DeployOptions,
): Promise<EffectOutcome<StepDeployment>> {
  const logFile = await logFileFor(app, incident, step);
  const io: DeployIO = { logFile, announce: (t) => o.say(t), line: (t) => o.say(`  │ ${t}`) };
  const { env, version, sha } = step.target;
  const at = () => app.clock.now().toISOString();

  const existing = await deps.store.getEffect(incident.id, step.key);
  const earlier = existing && existing.state !== "done" ? markOf(existing.intent) : null;
  if (earlier && earlier.host === hostname() && !o.confirmDeployed) {
    // A run that died (kill -9, a hangup) may have left its deploy running: wait for it to end
    // before asking whether it went live, and never start a second one beside it.
    const ended = await waitForDeploy(earlier, { say: o.say, boundMs: await deployTimeoutMs(app, env) });
    if (ended === "running")
      throw new FirebreakError({
        code: "DEPLOY_STILL_RUNNING",
        message: `The deploy of ${version} to ${env} started by an earlier run is still running (process group ${earlier.pgid}, since ${earlier.startedAt}).`,
        why: `Starting another deploy beside it could deploy twice. Its log: ${earlier.log}`,
        next: `wait for it to end, then: ${step.command}   (to stop it instead: kill -TERM -${earlier.pgid})`,
      });
  }
  if (o.confirmDeployed && !existing)
    throw new FirebreakError({
      code: "NOTHING_TO_CONFIRM",
      message: `No interrupted deploy of ${version} to ${env} is waiting to be confirmed.`,
      next: step.command,
    });
  if (o.confirmDeployed && existing && existing.state !== "done") {
    // A person looked and says it is live: record that, with who said it.
    const result: StepDeployment = {
      deployer: step.deployer.type,
      env,
      version,
      sha,
      id: null,
      url: null,
      logFile,
      key: step.key,
      at: at(),
      confirmedBy: deps.actor,
    };
    await deps.store.recordOutcome(
      incident.id,
      step.key,
      { state: "done", result: { ...result } },
      {
        at: at(),
        actor: deps.actor,
        kind: step.kind,
        data: { ...result, summary: `${version} on ${env} (confirmed by ${deps.actor})` },
      },
    );
    return { result, how: "reconciled" };
  }

  return effect<StepDeployment>(
    deps,
    incident.id,
    step.key,
    {
      kind: step.kind,
      intent: { env, deployer: step.deployer.type, version, sha, logFile },
      reconcile: async () => {
        o.say(`An earlier run stopped during this deploy; asking ${step.deployer.type} whether ${version} is live on ${env}…`);
        const live = await inWorkdir(app, step, (t) => (step.reconcile ?? ((tt, i) => step.deployer.isLive(tt, i)))(t, io));
        // Started on another machine: its process cannot be watched from here, so "not live yet"
        // may mean "still deploying there". Only a person can tell.
        if (earlier && earlier.host !== hostname() && live !== true) {
          o.say(`That deploy ran on ${earlier.host} (process group ${earlier.pgid}): it may still be running there.`);
          return "unknown";
        }
        if (live === "unknown") return "unknown";
        return live
          ? {
              deployer: step.deployer.type,
              env,
              version,
              sha,
              id: null,
              url: null,
              logFile,
              key: step.key,
              at: at(),
              summary: `${version} is live on ${env}`,
            }
          : null;
      },
      perform: async () => {
        // Stopped (Ctrl-C) before it started: nothing happened, so a re-run simply deploys.
        throwIfInterrupted();
        // The process group goes on the record (journal and lock) the moment it starts, so a run
        // killed now leaves a deploy the next run can find and wait for.
        const notes: Promise<unknown>[] = [];
        const spooled: DeployIO = {
          ...io,
          spool: `${logFile}.out`,
          started: (pgid) => {
            const mark: DeployMark = { pgid, host: hostname(), log: logFile, spool: `${logFile}.out`, startedAt: at() };
            notes.push(deps.store.annotateIntent(incident.id, step.key, { deploy: mark }), app.held?.markDeploy(mark) ?? Promise.resolve());
          },
        };
        let d: Deployment;
        try {
          d = await inWorkdir(app, step, (t) => (step.action ?? ((tt, i) => step.deployer.deploy(tt, i)))(t, spooled));
        } finally {
          await Promise.allSettled(notes);
          await app.held?.markDeploy(null).catch(() => undefined);
        }
        return {
          ...d,
          key: step.key,
          at: at(),
          summary: `${d.version} on ${env}${d.url ? ` ${d.url}` : ""}${d.id ? ` (id ${d.id})` : ""}`,
        };
      },
      settle: `check whether ${version} is live on ${env}. If it is not: ${step.command} --redeploy   If it is: ${step.command} --confirm-deployed`,
    },
    { force: o.redeploy },
  );
}

/** Adds a deployment to incident.data.deploys[env] once (by effect key). */
export function withDeployment(incident: Incident, d: StepDeployment & { purpose: string }): Record<string, StepDeployment[]> {
  const all = { ...((incident.data.deploys as Record<string, StepDeployment[]> | undefined) ?? {}) };
  const list = all[d.env] ?? [];
  if (!list.some((x) => x.key === d.key)) all[d.env] = [...list, d];
  return all;
}
