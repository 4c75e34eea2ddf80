// firebreak confirm reproduced|fixed|happy-path|edge-cases|no-regressions|oncall-notified|monitoring|staging-verified [--note]
// People tick the manual checklist on the record; the PR's Testing section ticks only these.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { E } from "../../errors.js";
import type { ConfirmItem } from "../../domain/events/index.js";

export const CONFIRMABLE: Record<string, string> = {
  reproduced: "the issue was reproduced",
  fixed: "the fix was verified to resolve it",
  "happy-path": "the happy path still works",
  "edge-cases": "edge cases were tested",
  "no-regressions": "nothing new is broken",
  "oncall-notified": "the on-call engineer was told",
  monitoring: "dashboards and alerts for this fix are in place",
  "staging-verified": "the fix was deployed to staging and checked there by hand",
};

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const item = args[0] ?? "";
  if (!(item in CONFIRMABLE))
    throw E.usage(`"${item}" is not something to confirm.`, "firebreak confirm reproduced", Object.keys(CONFIRMABLE).map((k) => `${k}: ${CONFIRMABLE[k]}`));
  const incident = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  const store = await app.store();
  const note = typeof opts.note === "string" ? opts.note : undefined;
  // A staging check vouches for one commit: the hotfix head as pushed (a later commit needs its own).
  let sha: string | undefined;
  if (item === "staging-verified") {
    const { hotfixHead } = await import("../../workflow/gate.js");
    sha = await hotfixHead(app, incident);
  }
  const event = await store.appendEvent(incident.id, {
    at: app.clock.now().toISOString(),
    actor: await app.actor(),
    kind: `confirm.${item as ConfirmItem}`,
    data: { summary: CONFIRMABLE[item], ...(note ? { note } : {}), ...(sha ? { sha } : {}) },
  });
  out.data({ event });
  out.success(`Recorded on ${incident.ticket}: ${CONFIRMABLE[item]}${sha ? ` (commit ${sha.slice(0, 12)})` : ""} (by ${event.actor}, ${event.at.slice(0, 16).replace("T", " ")} UTC).`);
  out.next(`firebreak status ${incident.ticket}`);
  return 0;
}
