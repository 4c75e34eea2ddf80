// After the release: the post-incident review, its action items and the follow-up tickets.

import { z } from "zod";
import { effectDone, open, summary } from "./parts.js";

export const REVIEW_EVENTS = {
  "review.written": open({ path: z.string().optional(), kept: z.array(z.string()).optional(), summary }),
  "review.scheduled": open({ at: z.string(), minutes: z.number().optional(), attendees: z.array(z.string()).optional(), summary }),
  "review.done": open({ path: z.string().nullable().optional(), summary }),
  "action.added": open({
    id: z.string(),
    text: z.string(),
    owner: z.string().optional(),
    due: z.string().optional(),
    kind: z.string().optional(),
    summary,
  }),
  "followup.opened": effectDone({ action: z.string().optional(), url: z.string().optional() }),
  "followups.opened": open({ tracker: z.string().optional(), count: z.number().optional(), summary }),
  "ticket.commented": effectDone({ url: z.string().optional() }),
} as const;
