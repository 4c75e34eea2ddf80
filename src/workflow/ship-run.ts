// The ship operation, whole: lock → plan under the lock → a fresh baseline for the watch → the
// gate → merge, tag, deploy → the announcements that belong to the ship. Every face (the CLI, a
// server, an agent, a test) runs a ship through this one function and renders what it reports;
// the CLI adds only what belongs to a terminal: signals and the chained `verify`.

import type { Incident } from "../domain/types.js";
import type { Gate } from "../domain/gate.js";
import { takenOverRuns, type TakenOverRun } from "../ship/lock.js";
import { announceAfter } from "./auto-announce.js";
import type { WorkflowDeps } from "./deps.js";
import { applyShip, lockShip, planShip, resolveEnv, shipForge, type ShipOutcome, type ShipPlan } from "./ship.js";
import { ensureBaseline } from "./verify-plan.js";

/** A baseline sampled this recently before the deploy is used as it is. */
export const BASELINE_FRESH_SECONDS = 300;

export interface ShipInput {
  incident: Incident;
  to?: "staging" | "production";
  /** Use this tag instead of the next patch (after a collision). */
  tag?: string;
  /** The person says an ambiguous deploy is not live: deploy again. */
  redeploy: boolean;
  /** The person says an ambiguous deploy is live: record it as done. */
  confirmDeployed: boolean;
}

/** What a ship reports while it runs, in order. */
export type ShipEvent =
  | { type: "info"; line: string }
  | { type: "took-over"; lock: TakenOverRun }
  /** The gate passed and the release starts: what is being shipped (an interruption names it). */
  | { type: "releasing"; gate: Gate; what: string }
  /** Merged, tagged and deployed: nothing after this changes the running version. */
  | { type: "deployed"; outcome: ShipOutcome };

export type ShipResult =
  /** The gate or the config stops the ship: nothing was merged, tagged or deployed. */
  | { status: "blocked"; plan: ShipPlan }
  | { status: "shipped"; plan: ShipPlan; outcome: ShipOutcome; incident: Incident; needsVerdict: boolean };

/** The environment a ship without --to goes to, for the lock's name and the messages. */
export const shipTarget = (deps: WorkflowDeps, incident: Incident, to: ShipInput["to"]) => resolveEnv(deps, incident, to);

export async function ship(deps: WorkflowDeps, input: ShipInput, onEvent: (e: ShipEvent) => void = () => undefined): Promise<ShipResult> {
  const info = (line: string) => onEvent({ type: "info", line });
  const forge = await shipForge(deps, info);
  const env = await resolveEnv(deps, input.incident, input.to);
  const req = { to: env, tag: input.tag };
  // The lock comes first: the plan reads state another run could be changing.
  const lock = await lockShip(deps, input.incident, env, `ship --to ${env}`, info);
  try {
    for (const run of takenOverRuns(lock.tookOver)) onEvent({ type: "took-over", lock: run });
    const reread = async (fallback: Incident) => (await (await deps.store()).getIncident(input.incident.id)) ?? fallback;
    // Read the record again under the lock: a run that just finished may have changed it.
    let current = await reread(input.incident);
    let plan = await planShip(deps, current, req, forge);
    const otherwiseOk = plan.problems.length === 0 && plan.gate.items.every((i) => i.met || i.id === "watch");
    if (otherwiseOk) {
      // Scraped counters have no history: sample the "before" now, while the old version still runs,
      // then ask the gate again: it says whether the watch after the deploy could see a regression.
      const sampled = await ensureBaseline(deps, current, plan.env, { maxAgeSeconds: BASELINE_FRESH_SECONDS, progress: info });
      if (sampled) {
        current = await reread(current);
        plan = await planShip(deps, current, req, forge);
      }
    }
    if (!plan.gate.ok || plan.problems.length > 0) return { status: "blocked", plan };
    onEvent({ type: "releasing", gate: plan.gate, what: `the ship of ${plan.version} to ${plan.env}` });
    const outcome = await applyShip(deps, plan, {
      say: info,
      redeploy: input.redeploy,
      confirmDeployed: input.confirmDeployed,
      // Again only if the merge and tag took long enough for that sample to age.
      hooks: {
        beforeDeploy: async (e) => void (await ensureBaseline(deps, current, e, { maxAgeSeconds: BASELINE_FRESH_SECONDS, progress: info })),
      },
    });
    onEvent({ type: "deployed", outcome });
    // The announcements belong to the ship: a re-run after a run killed past the deploy finishes
    // them (each channel's journal entry replays what went out and settles what was cut off).
    if (outcome.env === "production") await announceAfter(deps, current, "ship", info);
    const latest = await reread(current);
    const verdict = (latest.data.verification as Record<string, { outcome?: unknown }> | undefined)?.[outcome.env]?.outcome;
    // A fresh deploy needs a verdict; so does one an earlier run deployed and never judged.
    const needsVerdict = outcome.deployHow !== "replayed" || verdict === undefined;
    return { status: "shipped", plan, outcome, incident: latest, needsVerdict };
  } finally {
    await lock.release();
  }
}
