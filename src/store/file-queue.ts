// Entries a clone keeps until a command reaches the team server and uploads them: one JSON file
// each, named by its upload id (time first, so a listing is in the order they were written),
// written whole and renamed into place, so a kill never leaves half an entry. The kept notes
// (outbox.ts) and the steps taken offline (offline-journal.ts) are both such queues.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { join } from "node:path";

/** Time first, so entries upload in the order they were written. */
export const newUploadId = (): string => `up_${Date.now().toString(36).padStart(9, "0")}_${randomUUID().slice(0, 8)}`;

export class FileQueue<T extends { uploadId: string }> {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  put(entry: T): T {
    // What people wrote, kept for upload: this user's alone.
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, `${entry.uploadId}.json`);
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(entry), { mode: 0o600 });
    renameSync(`${file}.${process.pid}.tmp`, file);
    return entry;
  }

  list(): T[] {
    let names: string[];
    try {
      names = readdirSync(this.dir)
        .filter((n) => n.endsWith(".json"))
        .sort();
    } catch {
      return [];
    }
    const out: T[] = [];
    for (const n of names) {
      try {
        out.push(JSON.parse(readFileSync(join(this.dir, n), "utf8")) as T);
      } catch {
        // A file being renamed into place by another command: it is read next time.
      }
    }
    return out;
  }

  remove(uploadId: string): void {
    rmSync(join(this.dir, `${uploadId}.json`), { force: true });
  }

  /** Where an entry the server refused is kept, for the person to read. */
  refusedPath(uploadId: string): string {
    return join(this.dir, "refused", `${uploadId}.json`);
  }

  /** Moves an entry the server refused out of the way: it must not hold up the entries behind it. */
  setAside(uploadId: string): string {
    const to = this.refusedPath(uploadId);
    mkdirSync(join(this.dir, "refused"), { recursive: true });
    renameSync(join(this.dir, `${uploadId}.json`), to);
    return to;
  }
}
