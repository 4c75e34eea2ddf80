// The four stages of an announcement (the words status pages use), and the stage an incident is
// at when nobody names one.

import { STAGES, NOTIFY_CHANNELS, type Stage, type NotifyChannel } from "../config/schema-notify.js";
import type { Incident } from "../domain/types.js";
import { E } from "../errors.js";

export { STAGES, NOTIFY_CHANNELS, type Stage, type NotifyChannel };

export const STAGE_LABEL: Record<Stage, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

export function parseStage(value: string): Stage {
  const v = value.trim().toLowerCase();
  if ((STAGES as readonly string[]).includes(v)) return v as Stage;
  throw E.usage(`--stage ${JSON.stringify(value)} is not a stage (valid: ${STAGES.join(", ")}).`, "firebreak announce --stage identified");
}

export function parseChannels(values: string[]): NotifyChannel[] {
  const out: NotifyChannel[] = [];
  for (const raw of values) {
    const v = raw.trim().toLowerCase();
    if (!(NOTIFY_CHANNELS as readonly string[]).includes(v))
      throw E.usage(
        `${JSON.stringify(raw)} is not a channel (valid: ${NOTIFY_CHANNELS.join(", ")}).`,
        "firebreak announce --channel slack,email",
      );
    if (!out.includes(v as NotifyChannel)) out.push(v as NotifyChannel);
  }
  return out;
}

/**
 * The stage the record says the incident is at: shipped → monitoring, verified or resolved →
 * resolved, a root cause or PR on the record → identified, otherwise investigating.
 */
export function stageFromRecord(incident: Incident): Stage {
  switch (incident.status) {
    case "shipped":
      return "monitoring";
    case "verified":
    case "resolved":
      return "resolved";
    case "pr-open":
      return "identified";
    default: {
      const rc = incident.data.rootCause;
      return typeof rc === "string" && rc.trim() !== "" ? "identified" : "investigating";
    }
  }
}
