// This clone's copy of what it last read from the team server: each incident with its timeline and
// effect journal, one JSON file each under .git/firebreak/mirror/. It lets status, list and log answer when the
// server does not (said loudly, with the copy's age), so the server is never why a responder cannot
// see where an incident stands. Written whole and renamed, so a kill never leaves half a file.

import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EffectRecord, Incident, TimelineEvent } from "../domain/types.js";

export interface MirroredIncident {
  incident: Incident;
  timeline: TimelineEvent[] | null;
  /** Its effect journal, so steps taken offline from this copy do not redo what was done (absent in older copies). */
  effects?: EffectRecord[] | null;
  /** When this copy was read from the server. */
  savedAt: string;
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,80}$/;

export class RecordMirror {
  readonly #dir: string;
  constructor(dir: string) {
    this.#dir = dir;
  }

  #file(id: string): string | null {
    return SAFE_ID.test(id) ? join(this.#dir, `${id}.json`) : null;
  }

  #write(id: string, m: MirroredIncident): void {
    const file = this.#file(id);
    if (!file) return;
    // The copies hold private incidents too: this user's alone, like the credentials.
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(m), { mode: 0o600 });
    renameSync(tmp, file);
  }

  get(id: string): MirroredIncident | undefined {
    const file = this.#file(id);
    if (!file) return undefined;
    try {
      return JSON.parse(readFileSync(file, "utf8")) as MirroredIncident;
    } catch {
      return undefined;
    }
  }

  all(): MirroredIncident[] {
    let names: string[];
    try {
      names = readdirSync(this.#dir).filter((n) => n.endsWith(".json"));
    } catch {
      return [];
    }
    return names.map((n) => this.get(n.slice(0, -5))).filter((m): m is MirroredIncident => m !== undefined);
  }

  /** Keeps the incident as the server answered it; its timeline copy stays until a newer one comes. */
  saveIncident(incident: Incident, now: Date): void {
    const had = this.get(incident.id);
    this.#write(incident.id, { incident, timeline: had?.timeline ?? null, effects: had?.effects ?? null, savedAt: now.toISOString() });
  }

  /** Keeps the incident with its timeline and effect journal, read together so they agree. */
  saveTimeline(incident: Incident, timeline: TimelineEvent[], effects: EffectRecord[], now: Date): void {
    this.#write(incident.id, { incident, timeline, effects, savedAt: now.toISOString() });
  }
}
