// The emergency-release checklist that `firebreak status` and the dashboard show (SPEC part 10).
// An item is done when the timeline holds one of its `doneBy` event kinds; nothing else is kept,
// so the checklist can always be rebuilt from the record.

import { LEVELS } from "./levels.js";
import { PRIORITIES, type Priority } from "./types.js";

export type Phase = "triage" | "fix" | "review" | "ship" | "verify" | "tell" | "learn";

export interface ChecklistItem {
  id: string;
  label: string;
  levels: Priority[]; // levels that need this item
  doneBy: string[]; // timeline event kinds that complete it
  waivedBy?: string[]; // timeline event kinds that waive it
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
  doneBy: string[],
  command: string,
  more: Partial<Pick<ChecklistItem, "levels" | "waivedBy" | "waivableAt">> = {},
): ChecklistItem => ({ id, label, levels: more.levels ?? ALL, doneBy, command, phase, ...more });

/** In process order. */
export const CHECKLIST: readonly ChecklistItem[] = Object.freeze([
  item("triage", "triage", "Level decided and incident started", ["incident.started"], 'firebreak start <TICKET> "<title>" --priority <P>'),
  item("branch", "fix", "Hotfix branch created from production", ["branch.created"], 'firebreak start <TICKET> "<title>"'),
  item("reproduced", "fix", "Issue reproduced", ["confirm.reproduced"], "firebreak confirm reproduced"),
  item("fix-committed", "fix", "Minimal fix with a regression test committed", ["commit.created"], "firebreak commit"),
  item("guard", "fix", "Change is minimal (scope guard passed)", ["guard.passed"], "firebreak check"),
  item("checks", "fix", "Tests, type check and build pass", ["checks.passed"], "firebreak check"),
  item("confirmed-fixed", "fix", "Fix verified against the reproduction", ["confirm.fixed"], "firebreak confirm fixed"),
  item("happy-path", "fix", "Happy path tested", ["confirm.happy-path"], "firebreak confirm happy-path"),
  item("edge-cases", "fix", "Edge cases tested", ["confirm.edge-cases"], "firebreak confirm edge-cases"),
  item("no-regressions", "fix", "Nothing new broken", ["confirm.no-regressions"], "firebreak confirm no-regressions"),
  item("pr", "review", "Pull request opened", ["pr.opened"], "firebreak pr"),
  item("approval", "review", "At least one approval", ["review.approved"], "firebreak approve --by <reviewer>   # P0 only: firebreak waive approval --reason \"<why>\"", {
    waivedBy: ["approval.waived"],
    waivableAt: APPROVAL_WAIVABLE,
  }),
  // ci.green is written by ship (and ship --dry-run) when it sees every check green on the hotfix commit.
  item("ci-green", "review", "All CI checks green", ["ci.green"], "firebreak ship --dry-run   # reads the CI checks and records them when green"),
  item("staging-deployed", "ship", "Deployed to staging", ["deploy.staging.done", "confirm.staging-verified"], "firebreak ship --to staging   # or, deployed and checked by hand: firebreak confirm staging-verified --note \"…\"", { levels: WITH_STAGING }),
  item("staging-verified", "ship", "Verified on staging", ["verify.staging.verified", "confirm.staging-verified"], "firebreak verify --env staging   # or, checked by hand: firebreak confirm staging-verified --note \"…\"", { levels: WITH_STAGING }),
  item("monitoring", "ship", "Monitoring configured", ["monitoring.configured", "confirm.monitoring"], "firebreak confirm monitoring"),
  item("oncall-notified", "ship", "On-call told", ["confirm.oncall-notified", "announce.sent"], "firebreak confirm oncall-notified   # or: firebreak announce"),
  item("merged", "ship", "Merged into the production branch", ["release.merged"], "firebreak ship --to production"),
  item("tagged", "ship", "Patch version tagged and pushed", ["release.tagged"], "firebreak ship --to production"),
  item("production-deployed", "ship", "Deployed to production", ["deploy.production.done"], "firebreak ship --to production"),
  item("verified", "verify", "Verified in production (smoke tests and metrics)", ["verify.production.verified"], "firebreak verify"),
  item("announced", "tell", "Resolution announced", ["announce.resolved"], "firebreak announce --stage resolved"),
  item("backported", "learn", "Fix carried to the other branches", ["backport.done"], "firebreak backport"),
  item("review", "learn", "Post-incident review held and marked done", ["review.done"], "firebreak review --write   # after the meeting: firebreak review --done", { levels: WITH_REVIEW }),
  item("followups", "learn", "Follow-up tickets opened", ["followups.opened"], "firebreak followups"),
].map((i) => Object.freeze(i)));

export type ItemState = "done" | "waived" | "next" | "todo" | "not-needed";

export interface EvaluatedItem {
  item: ChecklistItem;
  state: ItemState;
}

/** The checklist for a level against what the timeline holds; at most one item is "next". */
export function evaluateChecklist(priority: Priority, eventKinds: Iterable<string>): EvaluatedItem[] {
  const seen = new Set(eventKinds);
  let nextGiven = false;
  return CHECKLIST.map((item) => {
    let state: ItemState;
    if (!item.levels.includes(priority)) state = "not-needed";
    else if (item.doneBy.some((k) => seen.has(k))) state = "done";
    else if (
      item.waivedBy?.some((k) => seen.has(k)) === true &&
      (item.waivableAt ?? item.levels).includes(priority)
    )
      state = "waived";
    else if (!nextGiven) {
      state = "next";
      nextGiven = true;
    } else state = "todo";
    return { item, state };
  });
}

/** The items a level needs, in process order. */
export const checklistFor = (priority: Priority): ChecklistItem[] =>
  CHECKLIST.filter((i) => i.levels.includes(priority));
