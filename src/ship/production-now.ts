// What production runs now, across every incident on the record, and whether rolling one incident
// back would put an older release over it. Production is one place: another incident may have
// shipped since (v1.4.3 by ENG-1, then v1.4.4 by ENG-2), and going back to "the release before
// v1.4.3" then takes ENG-2's fix out of production too, silently. Pure: the incidents are read by
// the caller (workflow/rollback.ts, workflow/verify.ts) and passed in.

import type { Incident } from "../domain/types.js";

/** One production deploy on the record, with the incident that made it. */
export interface ProductionDeploy {
  incidentId: string;
  ticket: string;
  version: string;
  at: string; // ISO 8601 UTC
  /** "release": a ship; "rollback": a rollback's deploy (the version it went back to). */
  purpose: "release" | "rollback";
}

interface Entry {
  version?: unknown;
  at?: unknown;
  purpose?: unknown;
}

/** Production deploys of every incident, oldest first (by time; among equal times, as listed). */
export function productionDeploys(incidents: readonly Incident[]): ProductionDeploy[] {
  const all: Array<ProductionDeploy & { order: number }> = [];
  let order = 0;
  for (const incident of incidents) {
    const list = (incident.data.deploys as Record<string, unknown> | undefined)?.production;
    if (!Array.isArray(list)) continue;
    for (const d of list as Entry[]) {
      if (!d || typeof d.version !== "string" || typeof d.at !== "string" || Number.isNaN(Date.parse(d.at))) continue;
      all.push({
        incidentId: incident.id,
        ticket: incident.ticket,
        version: d.version,
        at: d.at,
        purpose: d.purpose === "rollback" ? "rollback" : "release",
        order: order++,
      });
    }
  }
  all.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.order - b.order);
  return all.map(({ order: _, ...d }) => d);
}

/** The deploy production runs now: the latest one on the record, whichever incident made it. */
export function runningInProduction(incidents: readonly Incident[]): ProductionDeploy | null {
  return productionDeploys(incidents).at(-1) ?? null;
}

/**
 * The deploy that replaced `incident`'s release `version` in production, when production no
 * longer runs that version; null while it still does (its own deploy, or another incident's
 * rollback that went back to exactly that version). Nothing on the record: null.
 */
export function supersededBy(incident: Incident, version: string, incidents: readonly Incident[]): ProductionDeploy | null {
  // The incident as the caller has it may be newer than the one in the list (just updated).
  const running = runningInProduction([...incidents.filter((i) => i.id !== incident.id), incident]);
  if (!running || running.version === version) return null;
  // Its own later deploy (a rollback of this very release) is ALREADY_ROLLED_BACK's business.
  if (running.incidentId === incident.id) return null;
  return running;
}

/**
 * Whether a rollback with this strategy would deploy an older release over `running`: going back
 * to the previous release does, and so does a feature flag set through the deployer (it
 * redeploys the incident's own release with the variable). A revert is built on the production
 * branch as it is, and a flag command only flips the flag: neither deploys anything older.
 */
export function rollbackRedeploysOld(strategy: "revert" | "previous" | "flag", flagByCommand: boolean): boolean {
  return strategy === "previous" || (strategy === "flag" && !flagByCommand);
}
