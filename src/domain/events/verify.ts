// Verification: the baseline, the smoke tests, and the verdict for an environment (or for the
// version a rollback went back to: verify.rollback.<verdict>).

import { z } from "zod";
import { open, summary } from "./parts.js";
import { VERDICTS, VERDICT_PATTERN, type Verdict, type VerdictKind } from "./kinds.js";
export { VERDICTS, VERDICT_PATTERN, type Verdict, type VerdictKind };

export const VERIFY_EVENTS = {
  "verify.baseline": open({ env: z.string().optional(), metrics: z.unknown().optional(), summary }),
  "verify.smoke": open({ env: z.string().optional(), passed: z.boolean().optional(), results: z.array(z.unknown()).optional(), summary }),
} as const;

/** verify.<env or "rollback">.<verdict>. */
export const verdictEvent = open({
  env: z.string().optional(),
  metrics: z.unknown().optional(),
  figures: z.unknown().optional(),
  decidedAfterSeconds: z.number().nullable().optional(),
  rollback: z.string().nullable().optional(),
  summary,
});
