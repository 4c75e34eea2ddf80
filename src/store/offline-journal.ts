// The steps a clone took on its offline record (offline-record.ts), kept as the store calls that
// made them, to make the same calls on the team server once it answers (offline-upload.ts). Each
// call is kept before it is made here: a kill after the step is never a step the server misses.
// A call that writes a timeline event carries its upload id in the event's data, so the server's
// timeline itself says which calls already reached it: replaying after a kill adds nothing twice.

import { readFileSync, renameSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { NewEvent } from "../domain/types.js";
import type { Store } from "../ports.js";
import { redactDeep } from "../redact.js";
import { FileQueue, newUploadId } from "./file-queue.js";

/** The store calls that change the record; locks stay on the machine that took them. */
export type JournaledCall =
  | { method: "createIncident"; args: Parameters<Store["createIncident"]> }
  | { method: "updateIncident"; args: Parameters<Store["updateIncident"]> }
  | { method: "appendEvent"; args: Parameters<Store["appendEvent"]> }
  | { method: "recordIntent"; args: Parameters<Store["recordIntent"]> }
  | { method: "annotateIntent"; args: Parameters<Store["annotateIntent"]> }
  | { method: "recordOutcome"; args: Parameters<Store["recordOutcome"]> }
  | { method: "clearIntent"; args: Parameters<Store["clearIntent"]> };

export interface JournalEntry {
  uploadId: string;
  /** The incident's id on the offline record: the server's own id, unless it was started offline. */
  incidentId: string;
  ticket: string;
  /** Who took the step: uploaded only under that person's token. */
  actor: string;
  /** Why the step was taken without the server (--reason). */
  reason: string;
  call: JournaledCall;
}

/** The event a call writes, if it writes one (annotateIntent and a bare update do not). */
export function eventOf(call: JournaledCall): NewEvent | undefined {
  switch (call.method) {
    case "createIncident":
      return call.args[1];
    case "updateIncident":
      return call.args[2];
    case "appendEvent":
      return call.args[1];
    case "recordIntent":
      return call.args[3];
    case "recordOutcome":
      return call.args[3];
    case "clearIntent":
      return call.args[2];
    case "annotateIntent":
      return undefined;
  }
}

/** The same call with the upload id in its event's data, so the server's timeline records it. */
function withUploadId(call: JournaledCall, uploadId: string): JournaledCall {
  const tag = (e: NewEvent): NewEvent => ({ ...e, data: { ...e.data, uploadId } }) as NewEvent;
  switch (call.method) {
    case "createIncident":
      return { method: call.method, args: [call.args[0], tag(call.args[1])] };
    case "updateIncident":
      return {
        method: call.method,
        args: [call.args[0], call.args[1], ...(call.args[2] ? [tag(call.args[2])] : [])] as Parameters<Store["updateIncident"]>,
      };
    case "appendEvent":
      return { method: call.method, args: [call.args[0], tag(call.args[1])] };
    case "recordIntent":
      return { method: call.method, args: [call.args[0], call.args[1], call.args[2], tag(call.args[3]), call.args[4]] };
    case "recordOutcome":
      return { method: call.method, args: [call.args[0], call.args[1], call.args[2], tag(call.args[3])] };
    case "clearIntent":
      return { method: call.method, args: [call.args[0], call.args[1], tag(call.args[2]), call.args[3]] };
    case "annotateIntent":
      return call;
  }
}

export class OfflineJournal extends FileQueue<JournalEntry> {
  /**
   * Keeps a call before it is made on the offline record; returns the call to make (its event now
   * carries the upload id) and the entry, to drop if the call is refused here.
   */
  keep(o: { incidentId: string; ticket: string; actor: string; reason: string; call: JournaledCall }): JournalEntry {
    const uploadId = newUploadId();
    // Kept as it would be recorded: masked, so a pasted token stays out of the clone too.
    return this.put(redactDeep({ ...o, uploadId, call: withUploadId(o.call, uploadId) }) as JournalEntry);
  }

  /** The server's id for an incident started offline, once it is started there too. */
  serverId(localId: string): string {
    return this.#ids()[localId] ?? localId;
  }

  setServerId(localId: string, serverId: string): void {
    const ids = { ...this.#ids(), [localId]: serverId };
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, "ids.map");
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(ids));
    renameSync(`${file}.${process.pid}.tmp`, file);
  }

  #ids(): Record<string, string> {
    try {
      return JSON.parse(readFileSync(join(this.dir, "ids.map"), "utf8")) as Record<string, string>;
    } catch {
      return {};
    }
  }
}
