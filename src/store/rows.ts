// Rows to domain records and back.

import type { Selectable } from "kysely";
import type { EffectRecord, EffectState, Incident, IncidentStatus, Priority, TimelineEvent } from "../domain/types.js";
import type { DeployMark, Lease } from "../ports.js";
import { parseJsonColumn, type EffectsTable, type IncidentsTable, type LeasesTable, type TimelineEventsTable } from "./schema.js";

export function toIncident(r: Selectable<IncidentsTable>): Incident {
  return {
    id: r.id,
    ticket: r.ticket,
    title: r.title,
    priority: r.priority as Priority,
    criteria: parseJsonColumn(r.criteria) as string[],
    status: r.status as IncidentStatus,
    discoveredAt: r.discovered_at,
    deadlineAt: r.deadline_at,
    branch: r.branch,
    base: r.base,
    remote: r.remote,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    data: parseJsonColumn(r.data) as Record<string, unknown>,
  };
}

export function toEvent(r: Selectable<TimelineEventsTable>): TimelineEvent {
  return {
    incidentId: r.incident_id,
    seq: Number(r.seq),
    at: r.at,
    recordedAt: r.recorded_at,
    actor: r.actor,
    kind: r.kind,
    data: parseJsonColumn(r.data) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export function toEffect(r: Selectable<EffectsTable>): EffectRecord {
  return {
    incidentId: r.incident_id,
    key: r.key,
    state: r.state as EffectState,
    intent: parseJsonColumn(r.intent) as Record<string, unknown>,
    result: (parseJsonColumn(r.result) ?? null) as Record<string, unknown> | null,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** A held lease row (holder set); a free row is never turned into a Lease. */
export function toLease(r: Selectable<LeasesTable>): Lease {
  return {
    id: r.holder ?? "",
    name: r.name,
    token: Number(r.token),
    actor: r.actor ?? "",
    command: r.command ?? "",
    ticket: r.ticket ?? "",
    host: r.host ?? "",
    pid: Number(r.pid ?? 0),
    since: r.since ?? "",
    expiresAt: r.expires_at ?? "",
    deploy: r.deploy ? (JSON.parse(r.deploy) as DeployMark) : null,
  };
}
