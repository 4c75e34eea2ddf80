// Release cycles. An incident may reach production more than once: a release that was rolled
// back stays on the record, and a new fix pushed to the hotfix branch goes out as a new release
// (the next patch) with effect keys of its own, so nothing from the rolled-back release is
// replayed as if it were the new one. These helpers read the record only.

import type { Incident } from "../domain/types.js";
import { parseVersion } from "../domain/version.js";

/** What a rollback leaves on incident.data.rollbacks (the fields read here). */
export interface RollbackEntry {
  key: string;
  strategy: string;
  version?: string;
  /** The version production ran when it was rolled back. */
  from: string;
  by: string;
  at: string;
  auto?: boolean;
}

export function readRollbacks(incident: Incident): RollbackEntry[] {
  const list = incident.data.rollbacks;
  return Array.isArray(list) ? (list as RollbackEntry[]).filter((r) => r && typeof r.from === "string") : [];
}

/** The rollback that took `version` out of production, or null when it was never rolled back. */
export function rollbackOf(incident: Incident, version: string): RollbackEntry | null {
  return (
    readRollbacks(incident)
      .filter((r) => r.from === version)
      .pop() ?? null
  );
}

interface DeployEntry {
  version: string;
  sha: string;
  purpose?: string;
}

/**
 * What production runs after `rolledBack` was rolled back, as the release to go back to from the
 * next one: the version the rollback deployed (the previous tag, the revert's tag), else the
 * release before it (a feature flag switched off leaves the same version running).
 */
export function runningAfterRollback(incident: Incident, rolledBack: { tag: string; previous: string | null }): string | null {
  const list = ((incident.data.deploys as Record<string, DeployEntry[]> | undefined)?.production ?? []).filter(
    (d) => d && typeof d.version === "string",
  );
  const last = list[list.length - 1];
  if (last && last.purpose === "rollback" && last.version !== rolledBack.tag && parseVersion(last.version)) return last.version;
  return rolledBack.previous;
}
