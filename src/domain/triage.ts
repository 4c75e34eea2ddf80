// Triage: from what is broken to a priority level (SPEC part 1). The most severe criterion
// decides; a deadline with nothing broken is P3; nothing broken and no deadline is not an
// emergency at all, which is an answer, not an error.

import { E } from "../errors.js";
import { CRITERIA, criterionById, type Criterion } from "./criteria.js";
import { severityRank } from "./levels.js";
import type { Priority } from "./types.js";

export interface TriageInput {
  criteria: string[];
  productionBroken?: boolean;
  deadline?: boolean;
}

export type TriageResult =
  | { kind: "emergency"; priority: Priority; decidedBy: Criterion[]; all: Criterion[] }
  | { kind: "not-emergency"; message: string; next: string };

export const NOT_EMERGENCY_MESSAGE = "Not an emergency: production is not broken and there is no business deadline.";
export const NOT_EMERGENCY_NEXT = "Use the normal release process: open a regular pull request and ship it with the next planned release.";

const describe = (c: Criterion): string => `${c.id} (${c.level}): ${c.label}`;

/** Criterion ids as typed, as the record keeps them: ids arrive from flags, JSON and prompts, so case and stray spaces are tolerated and repeats ignored. */
export const criterionIds = (raw: readonly string[]): string[] => [
  ...new Set(raw.map((s) => s.trim().toLowerCase()).filter((s) => s !== "")),
];

export function triage(input: TriageInput): TriageResult {
  const ids = criterionIds(input.criteria);
  const unknown = ids.filter((id) => criterionById(id) === undefined);
  if (unknown.length > 0) {
    const list = unknown.map((id) => JSON.stringify(id.length > 60 ? id.slice(0, 60) + "…" : id)).join(", ");
    throw E.usage(
      `Unknown triage criteri${unknown.length === 1 ? "on" : "a"}: ${list}. Valid ids are listed below.`,
      "firebreak triage --list",
      CRITERIA.map(describe),
    );
  }

  // Keep CRITERIA order (most severe first) so output does not depend on flag order.
  const all = CRITERIA.filter((c) => ids.includes(c.id));
  if (all.length === 0) {
    if (input.productionBroken === true) {
      throw E.usage(
        "Production is broken, but no criterion says how: pick at least one so the level can be decided.",
        "firebreak triage --criteria <id>[,<id>…]   # ids: firebreak triage --list",
        CRITERIA.filter((c) => c.level !== "P3").map(describe),
      );
    }
    if (input.deadline === true) {
      throw E.usage(
        "A business deadline was given without saying which: pick campaign-blocker or partner-deadline.",
        "firebreak triage --criteria partner-deadline",
        CRITERIA.filter((c) => c.level === "P3").map(describe),
      );
    }
    return { kind: "not-emergency", message: NOT_EMERGENCY_MESSAGE, next: NOT_EMERGENCY_NEXT };
  }

  let priority: Priority = all[0]!.level;
  for (const c of all) if (severityRank(c.level) < severityRank(priority)) priority = c.level;
  return { kind: "emergency", priority, decidedBy: all.filter((c) => c.level === priority), all };
}
