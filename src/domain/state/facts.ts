// Readers of one fact each, over the incident's state. Callers ask these; none reads a kind.

import type { ConfirmItem } from "../events/index.js";
import type { Approval, ChecksSummary, Confirmation, DeployEvent, IncidentState, VerdictEvent, Waiver } from "./state.js";

/** The latest confirmation of `item` (a person's word), if any. */
export const confirmation = (s: IncidentState, item: ConfirmItem): Confirmation | undefined =>
  [...s.confirmations].reverse().find((c) => c.item === item);
export const isConfirmed = (s: IncidentState, item: ConfirmItem): boolean => confirmation(s, item) !== undefined;

/** The latest run of `firebreak check` as a whole (its checks.passed or checks.failed). */
export const lastChecks = (s: IncidentState): ChecksSummary | undefined => s.checks.summaries.at(-1);
export const checksPassed = (s: IncidentState): boolean => s.checks.summaries.some((c) => c.ok);

/** Deploys to `env` the timeline records, in order. */
export const deploysTo = (s: IncidentState, env: string): DeployEvent[] => s.deploys.filter((d) => d.env === env);
export const lastDeployTo = (s: IncidentState, env: string): DeployEvent | undefined => deploysTo(s, env).at(-1);

/** Verdicts of verify for a slot (an environment, or "rollback"), in order. */
export const verdictsOf = (s: IncidentState, slot: string): VerdictEvent[] => s.verdicts.filter((v) => v.slot === slot);
/** The first time `slot` was verified / saw a regression. */
export const firstVerdict = (s: IncidentState, slot: string, verdict: VerdictEvent["verdict"]): VerdictEvent | undefined =>
  s.verdicts.find((v) => v.slot === slot && v.verdict === verdict);

export const approvalWaivers = (s: IncidentState): Waiver[] => s.waivers.filter((w) => w.item === "approval");
export const approvalsAfter = (s: IncidentState, seq: number): Approval[] => s.approvals.filter((a) => a.seq > seq);

/** Production runs the version a rollback went back to: a rollback with no production deploy after it. */
export function rolledBackNow(s: IncidentState): boolean {
  const last = s.rollbacks.at(-1);
  return last !== undefined && !deploysTo(s, "production").some((d) => d.seq > last.seq);
}

/** The moments each phase was first reached (ISO), for the deadline, the review and the log. */
export interface Milestones {
  branch?: string;
  firstCommit?: string;
  pr?: string;
  merged?: string;
  tagged?: string;
  deployed?: string; // production
  verified?: string; // production
  regression?: string;
}

export function milestonesOf(s: IncidentState): Milestones {
  const m: Milestones = {
    branch: s.branchCreated?.at,
    firstCommit: s.commits[0]?.at,
    pr: s.prOpened?.at,
    merged: s.merged?.at,
    tagged: s.tags[0]?.at,
    deployed: deploysTo(s, "production")[0]?.at,
    verified: firstVerdict(s, "production", "verified")?.at,
    regression: firstVerdict(s, "production", "regression")?.at,
  };
  return m;
}

/**
 * The hotfix branch's head as last pushed for review, from the record alone: what a face without
 * a repository (the dashboard, Slack) approves, so a commit pushed later needs approving again.
 */
export function pushedHead(events: readonly { kind: string; data: Record<string, unknown> }[], branch: string): string | undefined {
  const push = [...events].reverse().find((e) => e.kind === "branch.pushed" && e.data.branch === branch && typeof e.data.sha === "string");
  return push ? String(push.data.sha) : undefined;
}
