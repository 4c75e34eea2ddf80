// The verify operation, whole: smoke tests and the watch (verify.ts), the rollback a regression
// calls for (rollback.ts, when verify.autoRollback is set for the level), and the announcement a
// verified fix calls for (notify.auto). Every face runs a verification through this function and
// renders what it reports; the CLI adds only what belongs to a terminal: the live view, signals
// and asking a person whether to roll back.

import type { VerifyEnvironment } from "../config/schema-verify.js";
import type { Incident } from "../domain/types.js";
import type { SmokeResult } from "../verify/smoke.js";
import type { WatchView } from "../verify/watch.js";
import { autoStages } from "./announce.js";
import { announceAfter } from "./auto-announce.js";
import type { WorkflowDeps } from "./deps.js";
import { verifyDeploy, type VerifyOutcome, type WatchPlan } from "./verify.js";

export interface VerifyInput {
  incident: Incident | null;
  env: VerifyEnvironment;
  windowMinutes?: number;
  since?: Date;
  /** false: never roll back (--no-rollback). */
  rollback: boolean;
  /** true: watch to the window's end after "verified"; false: stop at the first verdict. */
  keepWatching?: boolean;
  signal?: AbortSignal;
}

/** What a verification reports while it runs, in order. */
export type VerifyEvent =
  | { type: "info"; line: string }
  | { type: "smoke"; result: SmokeResult }
  | { type: "plan"; plan: WatchPlan }
  | { type: "tick"; view: WatchView }
  /** Verified while the watch goes on (keepWatching): said now, before the announcement goes. */
  | { type: "verified-early"; outcome: VerifyOutcome; windowMinutes: number };

export interface VerifyRun {
  result: VerifyOutcome;
  /** "verified" was reported early (a verified-early event), while the watch went on. */
  toldVerified: boolean;
  /** The customers were told it is resolved (notify.auto, now or by an earlier announce). */
  announcedResolved: boolean;
}

export async function verify(
  deps: WorkflowDeps,
  input: VerifyInput,
  onEvent: (e: VerifyEvent) => void = () => undefined,
): Promise<VerifyRun> {
  const { incident, env } = input;
  const info = (line: string) => onEvent({ type: "info", line });
  let toldVerified = false;
  const result = await verifyDeploy(deps, incident, {
    env,
    ...(input.windowMinutes !== undefined ? { windowMinutes: input.windowMinutes } : {}),
    ...(input.since ? { since: input.since } : {}),
    rollback: input.rollback,
    ...(input.keepWatching !== undefined ? { keepWatching: input.keepWatching } : {}),
    // With keepWatching, "verified" is said (and announced) when it comes; the watch goes on.
    onVerified: async (early) => {
      toldVerified = true;
      onEvent({ type: "verified-early", outcome: early, windowMinutes: input.windowMinutes ?? (await deps.config()).verify.windowMinutes });
      if (incident && env === "production" && !early.ofRollback) await announceAfter(deps, incident, "verify", info);
    },
    // Called only when verify.autoRollback is set for the incident's level: ship's rollback, loaded when needed.
    ...(incident
      ? {
          onRegression: async (reason: string) =>
            void (await (
              await import("./rollback.js")
            ).rollback(deps, incident, { reason: `verify: ${reason}`, auto: true, out: { info } })),
        }
      : {}),
    ...(input.signal ? { signal: input.signal } : {}),
    onSmoke: (result) => onEvent({ type: "smoke", result }),
    onPlan: (plan) => onEvent({ type: "plan", plan }),
    onTick: (view) => onEvent({ type: "tick", view }),
  });
  const verifiedFix = result.outcome === "verified" && !result.ofRollback && !result.unreadable;
  if (verifiedFix && incident && env === "production" && !toldVerified) await announceAfter(deps, incident, "verify", info);
  // Told already: notify.auto sent it just now, or an earlier announce did (never suggest a second one).
  const events = incident ? await (await deps.store()).timeline(incident.id) : [];
  const announcedResolved =
    incident !== null &&
    (autoStages(await deps.config(), "verify").includes("resolved") || events.some((e) => e.kind === "announce.resolved"));
  return { result, toldVerified, announcedResolved };
}
