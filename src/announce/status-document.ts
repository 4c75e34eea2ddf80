// What the static status page says: the published document with one incident's update merged in.
// Pure, so the announce workflow can build it (and show it in a plan) before the adapter
// (adapters/notify/static-page.ts) writes it.

import type { StaticIncident, StaticUpdate, StatusDocument } from "../ports/notify/static-page.js";

const MAX_RESOLVED = 20;

/** The page with this incident's update merged in (the latest stage first on the page). */
export function mergeUpdate(
  doc: StatusDocument | null,
  pageName: string,
  incident: Omit<StaticIncident, "updates" | "createdAt" | "updatedAt" | "resolvedAt" | "status">,
  update: StaticUpdate,
): StatusDocument {
  const incidents = [...(doc?.incidents ?? [])];
  const at = update.at;
  const i = incidents.findIndex((x) => x.id === incident.id);
  const prev = i >= 0 ? incidents[i]! : null;
  const updates = [update, ...(prev?.updates ?? []).filter((u) => u.stage !== update.stage)];
  const next: StaticIncident = {
    ...incident,
    status: update.stage,
    createdAt: prev?.createdAt ?? at,
    updatedAt: at,
    resolvedAt: update.stage === "resolved" ? at : null,
    updates,
  };
  if (i >= 0) incidents.splice(i, 1);
  incidents.unshift(next);
  const open = incidents.filter((x) => x.status !== "resolved");
  const resolved = incidents.filter((x) => x.status === "resolved").slice(0, MAX_RESOLVED);
  const worst = open.some((x) => x.impact === "critical")
    ? "critical"
    : open.some((x) => x.impact === "major")
      ? "major"
      : open.length
        ? "minor"
        : "none";
  return {
    page: { name: pageName, updatedAt: at },
    status: {
      indicator: worst,
      description: open.length ? (worst === "critical" ? "Major outage" : "Some systems are affected") : "All systems operational",
    },
    incidents: [...open, ...resolved],
  };
}
