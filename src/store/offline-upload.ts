// Makes the steps a clone took offline (offline-journal.ts) on the team server, once it answers:
// the same store calls, in the order they were made, each incident's in one run. Exactly once:
// a call that writes an event carries an upload id the server's timeline keeps, so a call the
// timeline already shows (the command was killed after the server's answer) is not made again.
// Locks taken offline stay behind: they are not the server's. A call the server refuses (an effect
// someone else recorded meanwhile, a role the server no longer grants) stops that incident's
// upload: it and the calls after it are set aside, said loudly with what the server has instead.

import type { Store } from "../ports.js";
import type { TimelineEvent } from "../domain/types.js";
import { type FirebreakError, isFirebreakError } from "../errors.js";
import { crashPoint } from "../crash-point.js";
import { describeEvent } from "../render/describe-event.js";
import { eventOf, type JournalEntry, type JournaledCall, type OfflineJournal } from "./offline-journal.js";
import type { OfflineRecord } from "./offline-record.js";
import type { RecordMirror } from "./mirror.js";
import { printable } from "../render/printable.js";

export interface OfflineUploadDeps {
  remote: Store;
  journal: OfflineJournal;
  /** The offline record, when this command opened it: an incident fully uploaded is dropped there. */
  record: () => Promise<OfflineRecord>;
  mirror: RecordMirror;
  /** Who this clone writes as now: another person's steps wait for them. */
  me: string;
  server: string;
  warn(line: string): void;
  now(): Date;
}

const unreachable = (e: unknown): boolean => isFirebreakError(e) && e.code === "SERVER_UNREACHABLE";

/** Makes one kept call on the server, with the server's id for the incident and no offline fence. */
function replay(remote: Store, id: string, call: JournaledCall): Promise<unknown> {
  switch (call.method) {
    case "createIncident":
      return remote.createIncident(...call.args);
    case "updateIncident":
      return remote.updateIncident(id, call.args[1], call.args[2]);
    case "appendEvent":
      return remote.appendEvent(id, call.args[1]);
    // A fence names a lock of the offline record, which the server never issued.
    case "recordIntent":
      return remote.recordIntent(id, call.args[1], call.args[2], call.args[3]);
    case "annotateIntent":
      return remote.annotateIntent(id, call.args[1], call.args[2]);
    case "recordOutcome":
      return remote.recordOutcome(id, call.args[1], call.args[2], call.args[3]);
    case "clearIntent":
      return remote.clearIntent(id, call.args[1], call.args[2]);
  }
}

const uploadIdsOn = (timeline: readonly TimelineEvent[]): Set<string> =>
  new Set(timeline.map((e) => e.data.uploadId).filter((u): u is string => typeof u === "string"));

/** Uploads every kept step this person took; returns how many were uploaded. */
export async function uploadOfflineSteps(d: OfflineUploadDeps): Promise<number> {
  const entries = d.journal.list();
  if (entries.length === 0) return 0;
  const byIncident = new Map<string, JournalEntry[]>();
  for (const e of entries) byIncident.set(e.incidentId, [...(byIncident.get(e.incidentId) ?? []), e]);
  let uploaded = 0;
  for (const [localId, steps] of byIncident) {
    const first = steps[0]!;
    if (first.actor !== d.me) {
      d.warn(
        `${steps.length} step${steps.length === 1 ? "" : "s"} on ${first.ticket} taken while the server did not answer ${steps.length === 1 ? "was" : "were"} taken by ${first.actor}, and this clone now writes as ${d.me}: ${steps.length === 1 ? "it waits" : "they wait"} until ${first.actor} logs in here again (firebreak login ${d.server}).`,
      );
      continue;
    }
    uploaded += await uploadIncident(d, localId, steps);
  }
  return uploaded;
}

async function uploadIncident(d: OfflineUploadDeps, localId: string, steps: JournalEntry[]): Promise<number> {
  const ticket = steps[0]!.ticket;
  const copy = localId ? d.mirror.get(localId) : undefined;
  let serverId = localId ? d.journal.serverId(localId) : "";
  let onServer: Set<string> | undefined;
  let done = 0;
  for (const [i, step] of steps.entries()) {
    try {
      if (step.call.method === "createIncident") {
        serverId = await startOnServer(d, step);
        if (localId) d.journal.setServerId(localId, serverId);
      } else {
        onServer ??= uploadIdsOn(await d.remote.timeline(serverId));
        const event = eventOf(step.call);
        if (!event || !onServer.has(step.uploadId)) {
          await replay(d.remote, serverId, step.call);
          crashPoint("offline-upload", "after-upload");
        }
      }
    } catch (e) {
      if (unreachable(e) || !isFirebreakError(e)) throw e;
      setAside(d, steps.slice(i), ticket, e);
      break;
    }
    d.journal.remove(step.uploadId);
    done++;
  }
  if (done === 0) return 0;
  // People count what the timeline shows: the events the calls wrote (a lock or an annotation writes none).
  const recorded = steps.slice(0, done).filter((s) => eventOf(s.call)).length;
  const [timeline, effects] = await Promise.all([d.remote.timeline(serverId), d.remote.listEffects(serverId)]);
  const reason = steps.find((s) => s.reason)?.reason;
  d.warn(
    `Uploaded ${recorded === 1 ? "1 event" : `${recorded} events`} on ${ticket} recorded while the server did not answer${reason ? ` (why: ${reason})` : ""}.`,
  );
  // What others did meanwhile: everything after the copy the offline steps started from.
  const knownSeq = copy?.timeline?.at(-1)?.seq ?? Number.POSITIVE_INFINITY;
  const meanwhile = timeline.filter((e) => e.seq > knownSeq && e.actor !== d.me);
  if (meanwhile.length > 0) {
    d.warn(`Meanwhile on ${ticket}:`);
    for (const e of meanwhile) d.warn(`  ${e.at.slice(11, 16)} UTC  ${printable(e.actor)}: ${describeEvent(e)}`);
  }
  const incident = await d.remote.getIncident(serverId);
  if (incident) d.mirror.saveTimeline(incident, timeline, effects, d.now());
  // Nothing is left to upload about it: the server's record is the one to read from now on.
  if (localId && !d.journal.list().some((e) => e.incidentId === localId)) await (await d.record()).forget(localId);
  return done;
}

/** Starts on the server the incident started offline, or finds the start a killed upload made. */
async function startOnServer(d: OfflineUploadDeps, step: JournalEntry): Promise<string> {
  const call = step.call as Extract<JournaledCall, { method: "createIncident" }>;
  const open = await d.remote.findActiveByTicket(step.ticket);
  if (open) {
    const first = (await d.remote.timeline(open.id))[0];
    if (first?.data.uploadId === step.uploadId) return open.id;
    // Someone started it on the server meanwhile: the steps taken offline go on their incident.
    d.warn(
      `${first?.actor ?? "Someone"} started ${step.ticket} on the server while it did not answer here: the steps taken offline are added to that incident.`,
    );
    return open.id;
  }
  return (await d.remote.createIncident(...call.args)).id;
}

function setAside(d: OfflineUploadDeps, rest: JournalEntry[], ticket: string, e: FirebreakError): void {
  const paths = rest.map((s) => d.journal.setAside(s.uploadId));
  d.warn(
    `The server refused a step on ${ticket} taken while it did not answer: ${e.message} That step and the ${rest.length - 1} after it are set aside in ${paths[0]?.replace(/[^/]+$/, "")}; nothing else was held up.`,
  );
  d.warn(`  Next: firebreak log ${ticket}, to see what the server has, then take the step again where it is still needed.`);
}
