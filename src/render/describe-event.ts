// One line of the timeline in words.

import type { TimelineEvent } from "../domain/types.js";
import { printable } from "./printable.js";

/** One line of the timeline in words, safe to print: what people wrote is shown, not obeyed (printable.ts). */
export function describeEvent(e: TimelineEvent): string {
  return printable(describe(e));
}

function describe(e: TimelineEvent): string {
  const d = e.data as Record<string, unknown>;
  const s = (k: string) => (typeof d[k] === "string" || typeof d[k] === "number" ? String(d[k]) : "");
  switch (e.kind) {
    case "incident.started":
      return `incident started at ${s("priority")} (${(Array.isArray(d.criteria) ? d.criteria : []).join(", ") || "priority given"})`;
    case "note":
      return `note: ${s("text")}`;
    case "impact.noted":
      return `impact: ${s("text")}`;
    case "effect.intent":
      return `starting ${s("key")}`;
    case "effect.failed":
      return `failed ${s("key")}: ${s("error")}`;
    case "effect.retry":
      return `retrying ${s("key")} (${s("reason")})`;
    case "effect.possibly-done":
      return `possibly done, unconfirmed: ${s("key")}`;
    case "branch.created":
      return `branch ${s("branch")} created${d.reconciled ? " (confirmed after an interruption)" : ""}`;
    case "branch.pushed":
      return `branch ${s("branch")} published to ${s("remote")}${d.reconciled ? " (confirmed after an interruption)" : ""}`;
    case "offline.started":
      return `worked without the team server${s("command") ? ` (${s("command")})` : ""}: ${s("reason")}`;
    default: {
      const summary = s("summary") || s("key");
      return summary ? `${e.kind}: ${summary}` : e.kind;
    }
  }
}
