// Notes written while the team server did not answer: kept in this clone (one JSON file each
// under .git/firebreak/outbox/, written whole and renamed) until a command reaches the server and
// uploads them. Each carries an upload id the server remembers, so a note is uploaded exactly once
// even when the uploading command is killed between the server's answer and the file's removal.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { NewEvent } from "../domain/types.js";
import { redactDeep } from "../redact.js";

export interface OutboxEntry {
  uploadId: string;
  incidentId: string;
  ticket: string;
  event: NewEvent;
}

/** Time first, so entries upload in the order they were written. */
export const newUploadId = (): string => `up_${Date.now().toString(36).padStart(9, "0")}_${randomUUID().slice(0, 8)}`;

export class Outbox {
  readonly #dir: string;
  constructor(dir: string) {
    this.#dir = dir;
  }

  add(incidentId: string, ticket: string, event: NewEvent, uploadId: string = newUploadId()): OutboxEntry {
    mkdirSync(this.#dir, { recursive: true });
    // Kept on disk as it would be recorded: masked (a pasted token stays out of the clone too).
    const entry: OutboxEntry = {
      uploadId,
      incidentId,
      ticket,
      event: redactDeep({ ...event, data: { ...event.data, uploadId } }) as NewEvent,
    };
    const file = join(this.#dir, `${uploadId}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(entry));
    renameSync(`${file}.tmp`, file);
    return entry;
  }

  list(): OutboxEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.#dir)
        .filter((n) => n.endsWith(".json"))
        .sort();
    } catch {
      return [];
    }
    const out: OutboxEntry[] = [];
    for (const n of names) {
      try {
        out.push(JSON.parse(readFileSync(join(this.#dir, n), "utf8")) as OutboxEntry);
      } catch {
        // A file being renamed into place by another command: it is read next time.
      }
    }
    return out;
  }

  remove(uploadId: string): void {
    rmSync(join(this.#dir, `${uploadId}.json`), { force: true });
  }

  /** Where a note the server refused is kept, for the person to read and write again. */
  refusedPath(uploadId: string): string {
    return join(this.#dir, "refused", `${uploadId}.json`);
  }

  /** Moves a note the server refused out of the way: it must not hold up the notes behind it. */
  setAside(uploadId: string): string {
    const to = this.refusedPath(uploadId);
    mkdirSync(join(this.#dir, "refused"), { recursive: true });
    renameSync(join(this.#dir, `${uploadId}.json`), to);
    return to;
  }
}
