// The route `firebreak go` walks: from the record (the incident's state) and a few facts about the
// repository and the configuration, which steps are done, which one is next, and which need a
// person. Pure, so every face (the CLI's go, an agent, the dashboard) shows the same route and a
// table test pins it. The steps themselves are the single commands' operations; nothing here runs.

import { LEVELS } from "./levels.js";
import type { Priority } from "./types.js";
import type { IncidentState } from "./state/state.js";
import { approvalWaivers, checksPassed, deploysTo, firstVerdict, isConfirmed, rolledBackNow } from "./state/facts.js";
import type { ConfirmItem } from "./events/index.js";

export const GO_STEPS = [
  "check",
  "commit",
  "pr",
  "approval",
  "monitoring",
  "oncall",
  "staging",
  "ship",
  "verify",
  "announce",
  "backport",
  "review",
  "followups",
] as const;
export type GoStepId = (typeof GO_STEPS)[number];

/** The decisions go never takes on its own: each needs `--yes <name>` or a "yes" at the terminal. */
export const GO_DECISIONS = ["ship", "announce", "rollback"] as const;
export type GoDecision = (typeof GO_DECISIONS)[number];

/** What a person confirms by hand: go asks for these (or takes --confirm ITEM=NOTE), never assumes them. */
export const PERSON_CONFIRMATIONS = [
  "reproduced",
  "fixed",
  "happy-path",
  "edge-cases",
  "no-regressions",
] as const satisfies readonly ConfirmItem[];

export interface GoFacts {
  priority: Priority;
  state: IncidentState;
  /** Files changed, added or deleted in the working tree (the fix not yet committed), review files left out. */
  changedFiles: number;
  /** `check` already ran in this go run: the change it saw is the one to commit. */
  checkedThisRun: boolean;
  /**
   * The hotfix branch's local head is a commit the record does not hold (a plain `git commit`):
   * it was never checked by firebreak.
   */
  headUnrecorded: boolean;
  /** The local hotfix head differs from the one on the remote: there is something to push. */
  headUnpushed: boolean;
  /** Channels announce can use (any kind); none means there is nobody to announce to. */
  notifyChannels: number;
  /** The sequence number of the last pr.opened or pr.updated: commits after it are not pushed yet. */
  lastPrPushSeq: number | null;
  /** A deployer is configured for staging. */
  stagingConfigured: boolean;
  /** verify has smoke tests or metrics to run after a deploy. */
  verifyConfigured: boolean;
  /** verify has metrics to watch (the gate's "monitoring configured" then holds). */
  metricsConfigured: boolean;
  /** Chat channels (slack, teams, webhook) configured: go tells the on-call through them itself. */
  chatChannels: string[];
  /** Approvals are given on a hosted forge (GitHub): the ship gate reads them there, not the record. */
  approvalOnForge: boolean;
  /** Backport targets configured. */
  backportTargets: number;
  /** Action items on the record (firebreak action add). */
  actionItems: number;
  /** A review draft has been written (review.written on the timeline). */
  reviewWritten: boolean;
}

export type GoStepState = "done" | "todo" | "skipped" | "person";

export interface GoStep {
  id: GoStepId;
  label: string;
  state: GoStepState;
  /** Why it is skipped or why a person is needed, or what it will do. */
  detail: string;
  /** The single command that does this step (what --verbose and the plan show). */
  command: string;
  /** The decision that must be given before it runs, if any. */
  decision?: GoDecision;
}

const lastSeq = <T extends { seq: number }>(xs: readonly T[]): number => xs.reduce((m, x) => Math.max(m, x.seq), 0);

/** The route for the incident as the record and the facts show it, in order. */
export function planGo(f: GoFacts): GoStep[] {
  const s = f.state;
  const level = LEVELS[f.priority];
  const steps: GoStep[] = [];
  const add = (id: GoStepId, label: string, state: GoStepState, detail: string, command: string, decision?: GoDecision) =>
    steps.push({ id, label, state, detail, command, ...(decision ? { decision } : {}) });
  const shippedNow = deploysTo(s, "production").length > 0 && !rolledBackNow(s);
  const dirty = f.changedFiles > 0 && !shippedNow;

  // The fix: checked, then committed with what was broken and why.
  if (s.commits.length === 0 && !dirty)
    add("check", "Guard and checks", "person", "nothing changed yet: edit the fix and its regression test", "firebreak check");
  else if ((dirty || (f.headUnrecorded && !shippedNow)) && !f.checkedThisRun)
    add(
      "check",
      "Guard and checks",
      "todo",
      dirty
        ? `${f.changedFiles} changed file${f.changedFiles === 1 ? "" : "s"} to check`
        : "a commit made outside firebreak, not checked yet",
      "firebreak check",
    );
  else if (!dirty && !(s.guard.passed !== null && checksPassed(s)))
    add("check", "Guard and checks", "todo", "the committed fix has no passing check on the record", "firebreak check");
  else add("check", "Guard and checks", "done", dirty ? "passed in this run" : "passed", "firebreak check");

  add(
    "commit",
    "Commit the fix",
    dirty ? "todo" : s.commits.length > 0 ? "done" : "person",
    dirty
      ? "commit the checked change with what was broken and the root cause"
      : s.commits.length > 0
        ? `${s.commits.length} commit(s)`
        : "nothing to commit yet",
    'firebreak commit --what "…" --root-cause "…"',
  );

  const unpushed =
    (s.commits.length > 0 && (f.lastPrPushSeq === null || lastSeq(s.commits) > f.lastPrPushSeq)) || (f.headUnpushed && !shippedNow);
  add(
    "pr",
    "Pull request",
    s.prOpened === null || unpushed || dirty ? "todo" : "done",
    s.prOpened === null ? "push and open it" : unpushed || dirty ? "push the new commits" : `#${s.prOpened.number ?? "?"}`,
    "firebreak pr",
  );

  const approved = s.approvals.length > 0;
  const waived = level.approvalWaivable && approvalWaivers(s).length > 0;
  add(
    "approval",
    "Approval",
    approved || waived ? "done" : f.approvalOnForge ? "skipped" : "person",
    f.approvalOnForge && !approved && !waived
      ? "given on the forge: the ship gate reads it there"
      : approved
        ? `approved by ${s.approvals.map((a) => a.by).join(", ")}`
        : waived
          ? "waived (review after the deploy)"
          : level.approvalWaivable
            ? "a reviewer approves, or a person waives it with a reason (P0)"
            : "a reviewer approves",
    level.approvalWaivable
      ? 'firebreak approve --by <reviewer>   # or: firebreak waive approval --reason "…"'
      : "firebreak approve --by <reviewer>",
  );

  const monitored = s.monitoringConfigured !== null || isConfirmed(s, "monitoring");
  add(
    "monitoring",
    "Monitoring configured",
    monitored || f.metricsConfigured ? "done" : "person",
    monitored
      ? "configured"
      : f.metricsConfigured
        ? "verify metrics in .firebreak.yml (the ship records it)"
        : "no verify metrics: a person confirms what watches production",
    "firebreak confirm monitoring",
  );

  const told = isConfirmed(s, "oncall-notified") || s.announcements.sent.length > 0;
  add(
    "oncall",
    "On-call told",
    told ? "done" : f.chatChannels.length > 0 ? "todo" : "person",
    told
      ? "told"
      : f.chatChannels.length > 0
        ? `through ${f.chatChannels.join(", ")}`
        : "no chat channel configured: a person tells the on-call and confirms",
    f.chatChannels.length > 0 ? `firebreak announce --channel ${f.chatChannels.join(",")}` : "firebreak confirm oncall-notified",
  );

  if (!level.stagingRequired)
    add("staging", "Staging", "skipped", `${f.priority} goes to production at once`, "firebreak ship --to staging");
  else {
    const stagingDone = firstVerdict(s, "staging", "verified") !== undefined || isConfirmed(s, "staging-verified");
    add(
      "staging",
      "Staging deployed and verified",
      stagingDone ? "done" : f.stagingConfigured && deploysTo(s, "staging").length === 0 ? "todo" : "person",
      stagingDone
        ? "verified"
        : f.stagingConfigured
          ? deploysTo(s, "staging").length > 0
            ? 'deployed to staging without a verdict: verify it, or a person checks it (firebreak confirm staging-verified --note "…")'
            : "deploy to staging and verify"
          : "no staging deployer: a person deploys and checks it",
      f.stagingConfigured && deploysTo(s, "staging").length === 0
        ? "firebreak ship --to staging"
        : f.stagingConfigured
          ? "firebreak verify --env staging"
          : 'firebreak confirm staging-verified --note "…"',
    );
  }

  add(
    "ship",
    "Merge, tag and deploy to production",
    shippedNow ? "done" : "todo",
    shippedNow ? `deployed ${deploysTo(s, "production").at(-1)?.version ?? ""}`.trim() : "merge, tag and deploy (asks first)",
    "firebreak ship --to production",
    "ship",
  );

  const verdict = s.verdicts.filter((v) => v.slot === "production").at(-1);
  add(
    "verify",
    "Verified in production",
    !f.verifyConfigured ? "skipped" : verdict?.verdict === "verified" && shippedNow ? "done" : "todo",
    !f.verifyConfigured
      ? "no smoke tests or metrics configured"
      : verdict && shippedNow
        ? `verdict: ${verdict.verdict}`
        : "smoke tests, then the metrics against the baseline",
    "firebreak verify",
  );

  add(
    "announce",
    "Resolution announced",
    s.announcements.resolved !== null ? "done" : f.notifyChannels === 0 ? "skipped" : "todo",
    s.announcements.resolved !== null
      ? "announced"
      : f.notifyChannels === 0
        ? "no notify channel configured: tell people yourself"
        : "tell customers and the team it is resolved (asks first)",
    "firebreak announce --stage resolved",
    "announce",
  );

  add(
    "backport",
    "Backports",
    f.backportTargets === 0 ? "skipped" : s.backports.done.length > 0 ? "done" : "todo",
    f.backportTargets === 0 ? "no backport targets configured" : s.backports.done.length > 0 ? "done" : `${f.backportTargets} target(s)`,
    "firebreak backport",
  );

  add(
    "review",
    "Review draft",
    f.reviewWritten || s.review.done !== null ? "done" : "todo",
    f.reviewWritten ? "written; the meeting is for people" : "write the draft from the record",
    "firebreak review --write",
  );

  add(
    "followups",
    "Follow-up tickets",
    s.followupsOpened !== null ? "done" : f.actionItems > 0 ? "todo" : "person",
    s.followupsOpened !== null
      ? "opened"
      : f.actionItems > 0
        ? `${f.actionItems} action item(s)`
        : "no action items yet: people add them at the review",
    "firebreak followups",
  );
  return steps;
}

/**
 * The step go runs next: the first one not done. A step that needs a person stops go unless it is
 * one go can settle with what it was given (a waiver reason, a confirmation, a yes); the face decides.
 * The route's tail (review, follow-ups) never holds up the release: a person step there is left
 * for the end instead.
 */
export function nextStep(steps: readonly GoStep[]): GoStep | undefined {
  const tail: GoStepId[] = ["review", "followups"];
  return steps.find((st) => (st.state === "todo" || st.state === "person") && !(st.state === "person" && tail.includes(st.id)));
}

/** What is left for people once go has done what it can, in checklist words. */
export function leftForPeople(priority: Priority, s: IncidentState): string[] {
  const left: string[] = [];
  for (const item of PERSON_CONFIRMATIONS)
    if (!isConfirmed(s, item)) left.push(`firebreak confirm ${item} --note "…"   # what you checked`);
  if (LEVELS[priority].approvalWaivable && approvalWaivers(s).length > 0 && s.approvals.length === 0)
    left.push("firebreak approve --by <reviewer>   # the review after the deploy the waiver promised");
  if (s.followupsOpened === null) left.push('firebreak action add "<what>" --owner <who> --due <date>   # then: firebreak followups');
  if (LEVELS[priority].reviewRequired && s.review.done === null) left.push("the review meeting; after it: firebreak review --done");
  return left;
}
