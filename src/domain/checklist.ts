// The emergency-release checklist that `firebreak status` and the dashboard show (SPEC part 10).
// An item is done when the incident's state (the reducer over its timeline, ./state) holds the
// fact it asks for; nothing else is kept, so the checklist can always be rebuilt from the record.
// Items read typed facts, not kind strings: a renamed event kind fails to compile here instead of
// silently un-ticking an item.

import { LEVELS } from "./levels.js";
import { PRIORITIES, type Priority } from "./types.js";
import type { IncidentState } from "./state/state.js";
import { approvalWaivers, checksPassed, deploysTo, firstVerdict, isConfirmed } from "./state/facts.js";

export type Phase = "triage" | "fix" | "review" | "ship" | "verify" | "tell" | "learn";

export interface ChecklistItem {
  id: string;
  label: string;
  levels: Priority[]; // levels that need this item
  /** Whether the state shows it done. */
  done: (s: IncidentState) => boolean;
  /** Whether the state holds a waiver for it. */
  waived?: (s: IncidentState) => boolean;
  waivableAt?: Priority[]; // levels where a waiver counts (all of `levels` when absent)
  command: string; // the command that does it
  phase: Phase;
}

const ALL: Priority[] = [...PRIORITIES];
const WITH_STAGING = PRIORITIES.filter((p) => LEVELS[p].stagingRequired);
const WITH_REVIEW = PRIORITIES.filter((p) => LEVELS[p].reviewRequired);
const APPROVAL_WAIVABLE = PRIORITIES.filter((p) => LEVELS[p].approvalWaivable);

const item = (
  id: string,
  phase: Phase,
  label: string,
  done: ChecklistItem["done"],
  command: string,
  more: Partial<Pick<ChecklistItem, "levels" | "waived" | "waivableAt">> = {},
): ChecklistItem => ({ id, label, levels: more.levels ?? ALL, done, command, phase, ...more });

/** In process order. */
export const CHECKLIST: readonly ChecklistItem[] = Object.freeze(
  [
    item(
      "triage",
      "triage",
      "Level decided and incident started",
      (s) => s.started !== null,
      'firebreak start <TICKET> "<title>" --priority <P>',
    ),
    item("branch", "fix", "Hotfix branch created from production", (s) => s.branchCreated !== null, 'firebreak start <TICKET> "<title>"'),
    item("reproduced", "fix", "Issue reproduced", (s) => isConfirmed(s, "reproduced"), "firebreak confirm reproduced"),
    item("fix-committed", "fix", "Minimal fix with a regression test committed", (s) => s.commits.length > 0, "firebreak commit"),
    item("guard", "fix", "Change is minimal (scope guard passed)", (s) => s.guard.passed !== null, "firebreak check"),
    item("checks", "fix", "Tests, type check and build pass", checksPassed, "firebreak check"),
    item("confirmed-fixed", "fix", "Fix verified against the reproduction", (s) => isConfirmed(s, "fixed"), "firebreak confirm fixed"),
    item("happy-path", "fix", "Happy path tested", (s) => isConfirmed(s, "happy-path"), "firebreak confirm happy-path"),
    item("edge-cases", "fix", "Edge cases tested", (s) => isConfirmed(s, "edge-cases"), "firebreak confirm edge-cases"),
    item("no-regressions", "fix", "Nothing new broken", (s) => isConfirmed(s, "no-regressions"), "firebreak confirm no-regressions"),
    item("pr", "review", "Pull request opened", (s) => s.prOpened !== null, "firebreak pr"),
    item(
      "approval",
      "review",
      "At least one approval",
      (s) => s.approvals.length > 0,
      'firebreak approve --by <reviewer>   # P0 only: firebreak waive approval --reason "<why>"',
      {
        waived: (s) => approvalWaivers(s).length > 0,
        waivableAt: APPROVAL_WAIVABLE,
      },
    ),
    // ci.green is written by ship (and ship --dry-run) when it sees every check green on the hotfix commit.
    item(
      "ci-green",
      "review",
      "All CI checks green",
      (s) => s.ciGreen.length > 0,
      "firebreak ship --dry-run   # reads the CI checks and records them when green",
    ),
    item(
      "staging-deployed",
      "ship",
      "Deployed to staging",
      (s) => deploysTo(s, "staging").length > 0 || isConfirmed(s, "staging-verified"),
      'firebreak ship --to staging   # or, deployed and checked by hand: firebreak confirm staging-verified --note "…"',
      { levels: WITH_STAGING },
    ),
    item(
      "staging-verified",
      "ship",
      "Verified on staging",
      (s) => firstVerdict(s, "staging", "verified") !== undefined || isConfirmed(s, "staging-verified"),
      'firebreak verify --env staging   # or, checked by hand: firebreak confirm staging-verified --note "…"',
      { levels: WITH_STAGING },
    ),
    item(
      "monitoring",
      "ship",
      "Monitoring configured",
      (s) => s.monitoringConfigured !== null || isConfirmed(s, "monitoring"),
      "firebreak confirm monitoring",
    ),
    item(
      "oncall-notified",
      "ship",
      "On-call told",
      (s) => isConfirmed(s, "oncall-notified") || s.announcements.sent.length > 0,
      "firebreak confirm oncall-notified   # or: firebreak announce",
    ),
    item("merged", "ship", "Merged into the production branch", (s) => s.merged !== null, "firebreak ship --to production"),
    item("tagged", "ship", "Patch version tagged and pushed", (s) => s.tags.length > 0, "firebreak ship --to production"),
    item(
      "production-deployed",
      "ship",
      "Deployed to production",
      (s) => deploysTo(s, "production").length > 0,
      "firebreak ship --to production",
    ),
    item(
      "verified",
      "verify",
      "Verified in production (smoke tests and metrics)",
      (s) => firstVerdict(s, "production", "verified") !== undefined,
      "firebreak verify",
    ),
    item("announced", "tell", "Resolution announced", (s) => s.announcements.resolved !== null, "firebreak announce --stage resolved"),
    item("backported", "learn", "Fix carried to the other branches", (s) => s.backports.done.length > 0, "firebreak backport"),
    item(
      "review",
      "learn",
      "Post-incident review held and marked done",
      (s) => s.review.done !== null,
      "firebreak review --write   # after the meeting: firebreak review --done",
      { levels: WITH_REVIEW },
    ),
    item("followups", "learn", "Follow-up tickets opened", (s) => s.followupsOpened !== null, "firebreak followups"),
  ].map((i) => Object.freeze(i)),
);

export type ItemState = "done" | "waived" | "next" | "todo" | "not-needed";

export interface EvaluatedItem {
  item: ChecklistItem;
  state: ItemState;
}

/** The checklist for a level against the incident's state; at most one item is "next". */
export function evaluateChecklist(priority: Priority, state: IncidentState): EvaluatedItem[] {
  let nextGiven = false;
  return CHECKLIST.map((item) => {
    let st: ItemState;
    if (!item.levels.includes(priority)) st = "not-needed";
    else if (item.done(state)) st = "done";
    else if (item.waived?.(state) === true && (item.waivableAt ?? item.levels).includes(priority)) st = "waived";
    else if (!nextGiven) {
      st = "next";
      nextGiven = true;
    } else st = "todo";
    return { item, state: st };
  });
}

/** The items a level needs, in process order. */
export const checklistFor = (priority: Priority): ChecklistItem[] => CHECKLIST.filter((i) => i.levels.includes(priority));
