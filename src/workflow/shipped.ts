// A shipped incident is finished work: its fix is merged, tagged and deployed. Commands that
// change the fix (check, commit, pr) stop there and say what to do instead, so a late commit
// never lands on a hotfix branch that was already merged, nor a review in a fix commit.

import type { WorkflowDeps } from "./deps.js";
import type { Incident } from "../domain/types.js";
import { FirebreakError } from "../errors.js";
import { shq } from "../render/shell-quote.js";

const SHIPPED = new Set<Incident["status"]>(["shipped", "verified", "resolved"]);

export const isShipped = (incident: Incident): boolean => SHIPPED.has(incident.status);

function releaseTag(incident: Incident): string | null {
  const r = incident.data.release as { tag?: unknown } | null | undefined;
  return r && typeof r.tag === "string" ? r.tag : null;
}

/**
 * Refuses `command` on a shipped incident unless `reopen`; with it, records the reopening (who,
 * when, from which state) and returns the incident as open again.
 */
export async function refuseIfShipped(app: WorkflowDeps, incident: Incident, command: string, reopen: boolean): Promise<Incident> {
  if (!isShipped(incident)) return incident;
  const tag = releaseTag(incident);
  if (!reopen) {
    throw new FirebreakError({
      code: "INCIDENT_SHIPPED",
      message: `${incident.ticket} is ${incident.status}: its fix${tag ? ` (${tag})` : ""} is already merged into ${incident.base} and deployed, so \`firebreak ${command}\` changed nothing.`,
      why: `A change now would land on ${incident.branch}, which is already merged; it would never reach production that way.`,
      next: `firebreak start <NEW-TICKET> "<what is still broken>" --priority ${incident.priority}   # a further fix is a new incident; or, to go on with this one: firebreak ${command} --reopen -t ${shq(incident.ticket)}`,
    });
  }
  const deps = await app.effectDeps();
  return deps.store.updateIncident(
    incident.id,
    { status: "open" },
    {
      at: deps.clock.now().toISOString(),
      actor: deps.actor,
      kind: "incident.reopened",
      data: {
        from: incident.status,
        command,
        ...(tag ? { release: tag } : {}),
        summary: `reopened (was ${incident.status}${tag ? `, ${tag}` : ""}) by firebreak ${command} --reopen`,
      },
    },
  );
}
