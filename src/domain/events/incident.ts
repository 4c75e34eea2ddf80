// The incident's own life: started, reopened, notes, the branch, the commits, people's
// confirmations, interruptions and locks.

import { z } from "zod";
import { PRIORITIES } from "../types.js";
import { effectDone, open, sha, summary } from "./parts.js";
import { CONFIRM_ITEMS, CONFIRM_PATTERN, type ConfirmItem, type ConfirmKind } from "./kinds.js";
export { CONFIRM_ITEMS, CONFIRM_PATTERN, type ConfirmItem, type ConfirmKind };

/** What `firebreak confirm <item>` can record (the manual checklist). */

const changedFile = open({ path: z.string(), added: z.number().optional(), deleted: z.number().optional() });

export const INCIDENT_EVENTS = {
  "incident.started": open({ priority: z.enum(PRIORITIES).optional(), criteria: z.array(z.string()).optional(), summary }),
  "incident.reopened": open({ summary }),
  note: open({ text: z.string(), summary }),
  "impact.noted": open({ text: z.string(), summary }),
  /** The structured impact (users, revenue…) the review asks for. */
  "impact.recorded": open({ summary }),
  "branch.created": effectDone({ branch: z.string().optional() }),
  "branch.pushed": effectDone({ branch: z.string().optional(), remote: z.string().optional() }),
  "config.carried": effectDone({}),
  "commit.created": open({
    sha,
    subject: z.string().optional(),
    files: z.array(changedFile).optional(),
    testFiles: z.array(z.string()).optional(),
    testCases: z.array(z.string()).optional(),
    adopted: z.boolean().optional(),
    summary,
  }),
  "command.interrupted": open({ summary }),
  "lock.released": open({ summary }),
  /** A command worked on the clone's own copy because the team server did not answer (--offline --reason). */
  "offline.started": open({ reason: z.string(), server: z.string(), command: z.string().optional(), summary }),
} as const;

/** confirm.<item>: a person's word, optionally about one commit. */
export const confirmEvent = open({ summary, note: z.string().optional(), sha: z.string().optional() });
