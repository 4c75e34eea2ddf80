// The minimal-change guard, the project's checks, and what ship's gate reads before it acts.

import { z } from "zod";
import { open, summary } from "./parts.js";
import { CHECK_STATUSES, CHECK_PATTERN, type CheckStatusWord, type CheckKind } from "./kinds.js";
export { CHECK_STATUSES, CHECK_PATTERN, type CheckStatusWord, type CheckKind };

const allowed = z.array(open({ rule: z.string(), reason: z.string().optional() }));
const guardResult = open({
  findings: z.array(z.unknown()).optional(),
  allowed: allowed.optional(),
  stats: z.unknown().optional(),
  summary,
});
const names = z.array(z.string());

export const CHECK_EVENTS = {
  "guard.allowed": open({ rule: z.string(), reason: z.string().optional(), count: z.number().optional(), summary }),
  "guard.passed": guardResult,
  "guard.blocked": guardResult,
  "checks.passed": open({
    passed: names.optional(),
    failed: names.optional(),
    missing: names.optional(),
    skipped: names.optional(),
    tree: z.string().nullable().optional(),
    summary,
  }),
  "checks.failed": open({
    passed: names.optional(),
    failed: names.optional(),
    missing: names.optional(),
    skipped: names.optional(),
    tree: z.string().nullable().optional(),
    summary,
  }),
  "ci.green": open({ sha: z.string(), source: z.string().optional(), checks: names.optional(), summary }),
  "monitoring.configured": open({ source: z.string().optional(), summary }),
} as const;

/** check.<status>: one check's run. */
export const checkEvent = open({
  name: z.string(),
  command: z.string().nullable().optional(),
  status: z.string().optional(),
  exitCode: z.number().nullable().optional(),
  durationMs: z.number().optional(),
  logPath: z.string().nullable().optional(),
  reason: z.string().nullable().optional(),
  summary,
});
