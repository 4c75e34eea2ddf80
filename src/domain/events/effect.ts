// The effect journal's own events (src/workflow/effect.ts). Each carries the journal key; the
// done event is the effect's own kind (branch.pushed, pr.opened…), declared with its area.

import { z } from "zod";
import { id, open } from "./parts.js";

export const EFFECT_EVENTS = {
  "effect.intent": open({ key: id }),
  "effect.possibly-done": open({ key: id, error: z.string().optional(), settle: z.string().optional() }),
  "effect.retry": open({ key: id, reason: z.string().optional() }),
  "effect.failed": open({ key: id, error: z.string().optional() }),
} as const;
