// Gathers the deploy gate's facts from the record and the forge, then evaluates it (domain/gate.ts).
// What the gate sees for the first time is written down: `ci.green` (per commit) and
// `monitoring.configured` (when verify has metrics configured). Those are observations on the
// timeline, so `status` ticks them too; nothing in the world changes.

import { event, type EventData, type EventKind } from "../domain/events/index.js";
import type { WorkflowDeps } from "./deps.js";
import type { Config } from "../config/schema.js";
import type { Incident, TimelineEvent } from "../domain/types.js";
import { incidentState } from "../domain/state/state.js";
import { isConfirmed } from "../domain/state/facts.js";
import type { Forge } from "../ports/forge.js";
import { readPr } from "../adapters/forge/git-forge.js";
import { deployerConfig } from "../config/deployer-config.js";
import { readRollbacks } from "../ship/cycle.js";
import { evaluateGate, type DeployEnv, type Gate, type GateFacts, type Waiver } from "../domain/gate.js";

export interface GateResult {
  gate: Gate;
  headSha: string;
}

/** True when the verify section names metrics to watch (any `metrics` list or map in it). */
export function verifyHasMetrics(config: Config): boolean {
  const walk = (v: unknown, depth: number): boolean => {
    if (!v || typeof v !== "object" || depth > 3) return false;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (
        k === "metrics" &&
        ((Array.isArray(child) && child.length > 0) || (child && typeof child === "object" && Object.keys(child).length > 0))
      )
        return true;
      if (walk(child, depth + 1)) return true;
    }
    return false;
  };
  return walk(config.verify, 0);
}

export function readWaiver(incident: Incident, item: Waiver["item"] = "approval"): Waiver | null {
  const list = incident.data.waivers;
  if (!Array.isArray(list)) return null;
  return (list as Waiver[]).filter((w) => w.item === item).pop() ?? null;
}

/** What the watch after a production deploy could catch, for the gate (verify metrics only). */
async function watchFacts(app: WorkflowDeps, incident: Incident, config: Config): Promise<GateFacts["watch"]> {
  if (config.verify.metrics.length === 0) return null;
  const { planWatch } = await import("./verify-plan.js");
  const plan = await planWatch(app, incident, "production");
  if (plan.metrics.length === 0) return null;
  const required = Boolean(config.verify.autoRollback[incident.priority]) && (incident.priority === "P0" || incident.priority === "P1");
  return {
    ratio: plan.settings.regressionRatio,
    required,
    waiver: readWaiver(incident, "watch"),
    metrics: plan.metrics.map((m) => ({ name: m.name, says: m.says, canCatch: m.canCatch, ...(m.fix ? { fix: m.fix } : {}) })),
  };
}

/** The hotfix branch's commit: the pushed one when it is pushed (that is what CI ran on), else the local one. */
export async function hotfixHead(app: WorkflowDeps, incident: Incident): Promise<string> {
  const remote = await app.git.remoteBranchSha(incident.remote, incident.branch).catch(() => null);
  return remote ?? (await app.git.revParse(`refs/heads/${incident.branch}`));
}

export async function gatherGate(app: WorkflowDeps, incident: Incident, env: DeployEnv, forge: Forge, config: Config): Promise<GateResult> {
  const store = await app.store();
  const actor = await app.actor();
  const headSha = await hotfixHead(app, incident);
  const pr = readPr(incident);
  const events = await store.timeline(incident.id);
  const written: TimelineEvent[] = [];
  const record = async <K extends EventKind>(kind: K, data: EventData<K>) => {
    written.push(await store.appendEvent(incident.id, { at: app.clock.now().toISOString(), actor, ...event(kind, data) }));
  };

  const ci = await forge.ciState({ sha: headSha, branch: incident.branch });
  if (ci.state === "green" && !events.some((e) => e.kind === "ci.green" && e.data.sha === headSha))
    await record("ci.green", {
      sha: headSha,
      source: ci.source,
      checks: ci.checks.map((c) => c.name),
      summary: `${ci.checks.length} check(s) green on ${headSha.slice(0, 12)}`,
    });
  if (env === "production" && incidentState(events).monitoringConfigured === null && verifyHasMetrics(config))
    await record("monitoring.configured", {
      source: ".firebreak.yml verify metrics",
      summary: "metrics to watch are configured in .firebreak.yml (verify)",
    });

  // What staging runs now: its latest deploy, and whether staging was verified after it.
  const stagingDeploys = events.filter((e) => e.kind === "deploy.staging.done" && typeof e.data.sha === "string");
  const lastStaging = stagingDeploys[stagingDeploys.length - 1];
  const staging = lastStaging
    ? {
        version: String(lastStaging.data.version ?? lastStaging.data.sha),
        sha: String(lastStaging.data.sha),
        verifiedAfter: events.some((e) => e.kind === "verify.staging.verified" && e.seq > lastStaging.seq),
      }
    : null;
  // A person who checked staging by hand (`confirm staging-verified`) vouches for the commit they saw.
  const confirmed = [...events].reverse().find((e) => e.kind === "confirm.staging-verified" && e.data.sha === headSha);
  const stagingConfirmed = confirmed ? { by: confirmed.actor, at: confirmed.at } : null;

  // The record's facts the gate needs, read the way the checklist reads them.
  const state = incidentState([...events, ...written]);
  const approvals = pr && env === "production" ? await forge.listApprovals(pr.number) : [];
  const gate = evaluateGate({
    ticket: incident.ticket,
    priority: incident.priority,
    env,
    forge: forge.kind,
    pr: pr ? { number: pr.number, url: pr.url, state: pr.state } : null,
    approvals,
    waiver: readWaiver(incident),
    rolledBackAt: readRollbacks(incident).at(-1)?.at ?? null,
    ci,
    headSha,
    monitoring: state.monitoringConfigured !== null || isConfirmed(state, "monitoring"),
    oncallTold: isConfirmed(state, "oncall-notified") || state.announcements.sent.length > 0,
    stagingConfigured: deployerConfig(config, "staging") !== null,
    staging,
    ...(env === "production" ? { watch: await watchFacts(app, incident, config) } : {}),
    stagingConfirmed,
  });
  return { gate, headSha };
}
