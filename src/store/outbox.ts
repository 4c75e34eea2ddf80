// Notes written while the team server did not answer: kept in this clone (one JSON file each
// under .git/firebreak/outbox/) until a command reaches the server and uploads them. Each carries
// an upload id the server remembers, so a note is uploaded exactly once even when the uploading
// command is killed between the server's answer and the file's removal.

import type { NewEvent } from "../domain/types.js";
import { redactDeep } from "../redact.js";
import { FileQueue, newUploadId } from "./file-queue.js";
export { newUploadId };

export interface OutboxEntry {
  uploadId: string;
  incidentId: string;
  ticket: string;
  event: NewEvent;
}

export class Outbox extends FileQueue<OutboxEntry> {
  add(incidentId: string, ticket: string, event: NewEvent, uploadId: string = newUploadId()): OutboxEntry {
    // Kept on disk as it would be recorded: masked (a pasted token stays out of the clone too).
    return this.put({
      uploadId,
      incidentId,
      ticket,
      event: redactDeep({ ...event, data: { ...event.data, uploadId } }) as NewEvent,
    });
  }
}
