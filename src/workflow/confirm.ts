// A person's word on the checklist: "the issue was reproduced", "on-call was told"… Each is one
// timeline event; a staging check vouches for one commit (the hotfix head as pushed), so a later
// commit needs its own.

import type { ConfirmItem } from "../domain/events/index.js";
import type { Incident, TimelineEvent } from "../domain/types.js";
import { E } from "../errors.js";
import type { WorkflowDeps } from "./deps.js";
import { hotfixHead } from "./gate.js";

export const CONFIRMABLE: Record<ConfirmItem, string> = {
  reproduced: "the issue was reproduced",
  fixed: "the fix was verified to resolve it",
  "happy-path": "the happy path still works",
  "edge-cases": "edge cases were tested",
  "no-regressions": "nothing new is broken",
  "oncall-notified": "the on-call engineer was told",
  monitoring: "dashboards and alerts for this fix are in place",
  "staging-verified": "the fix was deployed to staging and checked there by hand",
};

export function isConfirmable(item: string): item is ConfirmItem {
  return Object.hasOwn(CONFIRMABLE, item);
}

/** The refusal for a word that is not on the checklist, listing the ones that are. */
export const notConfirmable = (item: string) =>
  E.usage(
    `"${item}" is not something to confirm.`,
    "firebreak confirm reproduced",
    Object.entries(CONFIRMABLE).map(([k, v]) => `${k}: ${v}`),
  );

export interface ConfirmInput {
  incident: Incident;
  item: string;
  note?: string;
}

export async function confirm(deps: WorkflowDeps, input: ConfirmInput): Promise<{ event: TimelineEvent; sha: string | undefined }> {
  const { incident, item, note } = input;
  if (!isConfirmable(item)) throw notConfirmable(item);
  const sha = item === "staging-verified" ? await hotfixHead(deps, incident) : undefined;
  const store = await deps.store();
  const event = await store.appendEvent(incident.id, {
    at: deps.clock.now().toISOString(),
    actor: await deps.actor(),
    kind: `confirm.${item}`,
    data: { summary: CONFIRMABLE[item], ...(note ? { note } : {}), ...(sha ? { sha } : {}) },
  });
  return { event, sha };
}
