// Telling people: each message delivered, the resolution announced, the customer-facing words.

import { z } from "zod";
import { effectDone, open, summary } from "./parts.js";

export const ANNOUNCE_EVENTS = {
  /** One channel's message, written by the effect journal (announce:<stage>:<channel>…). */
  "announce.sent": effectDone({ stage: z.string().optional(), channel: z.string().optional() }),
  "announce.resolved": open({ stage: z.string().optional(), channels: z.array(z.string()).optional(), summary }),
  "announce.public-text": open({ summary }),
  /** Read by the review's "channels that failed" (written by earlier releases). */
  "announce.failed": open({ channel: z.string().optional(), error: z.string().optional(), summary }),
} as const;
