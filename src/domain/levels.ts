// What each priority level means for the process (SPEC part 1, with the gates of parts 5 and 9).
// The workflow, checklist, triage output and PR text all read this one table.

import { E } from "../errors.js";
import { PRIORITIES, type Priority } from "./types.js";
import { criterionById } from "./criteria.js";

export interface LevelPolicy {
  level: Priority;
  kind: string;
  respondWithinHours: number;
  respondWithin: string; // as people say it: "24 hours (next business day)"
  /** The deadline lands on a business day of the team's calendar (P2's "next business day"). */
  businessDayDeadline: boolean;
  deploy: string;
  stagingRequired: boolean;
  /** Approval may be waived, with who and why recorded. */
  approvalWaivable: boolean;
  /** A post-incident review must be scheduled. */
  reviewRequired: boolean;
  /** Hours from resolution within which the review is due; null when no review is required. */
  reviewDueHours: number | null;
}

export const LEVELS: Readonly<Record<Priority, LevelPolicy>> = Object.freeze({
  P0: {
    level: "P0",
    kind: "security hole / data exposure",
    respondWithinHours: 2,
    respondWithin: "2 hours",
    businessDayDeadline: false,
    deploy: "to production at once; staging skipped; review may be waived (recorded)",
    stagingRequired: false,
    approvalWaivable: true,
    reviewRequired: true,
    reviewDueHours: 72,
  },
  P1: {
    level: "P1",
    kind: "production down",
    respondWithinHours: 4,
    respondWithin: "4 hours",
    businessDayDeadline: false,
    deploy: "same day; staging first",
    stagingRequired: true,
    approvalWaivable: false,
    reviewRequired: true,
    reviewDueHours: 72,
  },
  P2: {
    level: "P2",
    kind: "major bug",
    respondWithinHours: 24,
    respondWithin: "24 hours (next business day)",
    businessDayDeadline: true,
    deploy: "staging first",
    stagingRequired: true,
    approvalWaivable: false,
    reviewRequired: false,
    reviewDueHours: null,
  },
  P3: {
    level: "P3",
    kind: "business critical (campaign blocker, partner deadline)",
    respondWithinHours: 48,
    respondWithin: "48 hours",
    businessDayDeadline: false,
    deploy: "scheduled release; staging first",
    stagingRequired: true,
    approvalWaivable: false,
    reviewRequired: false,
    reviewDueHours: null,
  },
} satisfies Record<Priority, LevelPolicy>);

/** Lower is more severe: P0 → 0. */
export const severityRank = (p: Priority): number => PRIORITIES.indexOf(p);

const DEPLOY_SENTENCE: Record<Priority, string> = {
  P0: "Deployed to production at once: staging is skipped.",
  P1: "Deployed the same day, to staging first and verified there.",
  P2: "Deployed to staging first and verified there, then to production.",
  P3: "Shipped in a scheduled release, to staging first and verified there.",
};

/** What the process will require at this level, as sentences for the triage answer. */
export function requirements(level: Priority): string[] {
  const p = LEVELS[level];
  const out = [
    `Respond within ${p.respondWithin} of discovery.`,
    "A minimal fix: the fix itself, a regression test and the root cause explained; no refactoring, unrelated fixes, new features or dependency updates without a recorded reason.",
    "The project's full tests, type check and build pass.",
    "Reproduced, fixed, happy path, edge cases and no regressions confirmed on the record.",
    p.approvalWaivable
      ? "At least one approval, or a recorded waiver saying who waived it and why."
      : "At least one approval of the pull request.",
    "All CI checks green.",
  ];
  out.push(
    DEPLOY_SENTENCE[level],
    "Monitoring configured and on-call told before production.",
    "Verified in production: smoke tests and metrics compared with the time before the deploy.",
    "People told: internal message, status page and affected users where it applies.",
    "The fix carried to the other branches.",
    "Within 24 hours: ticket updated, timeline complete, follow-up tickets for anything temporary.",
  );
  if (p.reviewRequired) out.push(`A post-incident review within ${p.reviewDueHours} hours.`);
  return out;
}

/** "p1" or "P1" (surrounding spaces ignored) → "P1"; anything else is a usage error. */
export function parsePriority(s: string): Priority {
  const up = s.trim().toUpperCase();
  const found = PRIORITIES.find((p) => p === up);
  if (found === undefined) {
    throw E.usage(
      `${JSON.stringify(s.length > 40 ? s.slice(0, 40) + "…" : s)} is not a priority: use P0, P1, P2 or P3.`,
      "firebreak triage   # to find the level from what is broken",
    );
  }
  return found;
}

/** The criteria that are a security matter: the P0 kind's "security hole / data exposure". */
const SECURITY_CRITERIA: readonly string[] = ["auth-bypass", "data-exposure", "remote-code-execution"];

/**
 * How one incident's level reads: the level's kind, unless the criteria that decided a P0 say
 * otherwise (a P0 for payments completely broken is not a security hole, and its PR, status and
 * messages must not call it one).
 */
export function incidentLevelKind(incident: { priority: Priority; criteria: readonly string[] }): string {
  const kind = LEVELS[incident.priority].kind;
  if (incident.priority !== "P0" || incident.criteria.length === 0 || incident.criteria.some((c) => SECURITY_CRITERIA.includes(c)))
    return kind;
  const label = criterionById(incident.criteria[0]!)?.label;
  return label ? label.charAt(0).toLowerCase() + label.slice(1) : kind;
}
