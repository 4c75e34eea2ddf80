// Carrying the fix to the other maintained branches.

import { z } from "zod";
import { effectDone, open, summary } from "./parts.js";

export const BACKPORT_EVENTS = {
  "backport.pushed": effectDone({}),
  "backport.pr-opened": effectDone({ number: z.number().optional(), url: z.string().optional() }),
  "backport.target": open({ target: z.string(), short: z.string().optional(), state: z.string().optional(), summary }),
  "backport.done": open({ targets: z.array(z.string()).optional(), summary }),
} as const;
