// The pull request and its review: opened, updated, labelled, approved, or the approval waived.

import { z } from "zod";
import { effectDone, open, summary } from "./parts.js";

const prNumber = z.number().int().positive();

export const PR_EVENTS = {
  "pr.opened": effectDone({ number: prNumber.optional(), url: z.string().optional(), adopted: z.boolean().optional() }),
  "pr.updated": effectDone({ number: prNumber.optional() }),
  "pr.labeled": open({ number: prNumber, labels: z.array(z.string()) }),
  "pr.review-requested": open({ number: prNumber, reviewers: z.array(z.string()) }),
  "review.approved": open({
    by: z.string(),
    note: z.string().nullable().optional(),
    number: prNumber.optional(),
    sha: z.string().optional(),
  }),
  "approval.waived": open({
    by: z.string(),
    reason: z.string(),
    reviewAfterDeploy: z.string().optional(),
    commit: z.string().optional(),
    summary,
  }),
  "watch.waived": open({ by: z.string(), reason: z.string(), commit: z.string().optional(), summary }),
} as const;
