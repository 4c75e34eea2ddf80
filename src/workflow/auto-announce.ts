// The announcements a team asked for after a step (`notify.auto: { ship: monitoring, verify:
// resolved }`). They follow the step's success and never undo it: a channel that fails is
// reported with the command that retries it, and the step still counts as done.

import type { WorkflowDeps } from "./deps.js";
import type { Incident } from "../domain/types.js";
import { announceStage, announceCommand, autoStages } from "./announce.js";

export async function announceAfter(
  app: WorkflowDeps,
  incident: Incident,
  after: "ship" | "verify",
  say: (line: string) => void,
): Promise<void> {
  const stages = autoStages(await app.config(), after);
  for (const stage of stages) {
    try {
      const r = await announceStage(app, incident, stage, { out: { info: say } });
      for (const o of r.outcomes) {
        say(`  ${o.state === "failed" ? "✖" : o.state === "possibly-sent" ? "?" : "✔"} ${o.channel}: ${o.summary}`);
        if (o.state === "possibly-sent" && o.next) say(`      → ${o.next}`);
      }
      if (r.failed) say(`Some channels failed; retry them with: ${announceCommand(incident, stage)}`);
    } catch (e) {
      say(`The ${stage} announcement did not go out (${(e as Error).message}); send it with: ${announceCommand(incident, stage)}`);
    }
  }
}
