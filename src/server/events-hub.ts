// The live feed behind GET /events: one poller per replica reads the timeline events written since
// its high-water mark and hands each new one to every subscriber, which filters it by what its
// caller may see. A PostgreSQL NOTIFY (or this replica's own write) wakes it at once; the poll is
// the fallback, and it also catches events written straight to the database by a CLI.
//
// Events are ordered by (recordedAt, incidentId, seq), which is also the SSE id, so a client
// resumes with Last-Event-ID. The poll re-reads a short look-back window and skips what it has
// already delivered, so an event whose transaction committed a little after a later-stamped one is
// not lost (a writer's clock more than LOOKBACK_MS behind would be: see docs/server.md).

import type { TimelineEvent } from "../domain/types.js";

export const LOOKBACK_MS = 5_000;

export interface Cursor {
  recordedAt: string;
  incidentId: string;
  seq: number;
}

export interface Feed {
  eventsRecordedFrom(from: string, limit?: number): Promise<TimelineEvent[]>;
  eventsAfter(cursor: Cursor, limit?: number): Promise<TimelineEvent[]>;
}

const SEP = "~";

export const cursorOf = (e: Pick<TimelineEvent, "recordedAt" | "incidentId" | "seq">): string =>
  [e.recordedAt, e.incidentId, e.seq].join(SEP);

/** A Last-Event-ID as a cursor; undefined when it is not one (then the stream starts from now). */
export function parseCursor(id: string | undefined): Cursor | undefined {
  if (!id || id.length > 200) return undefined;
  const [recordedAt, incidentId, seq, extra] = id.split(SEP);
  if (extra !== undefined || !recordedAt || !incidentId || !seq || !/^\d{1,9}$/.test(seq) || Number.isNaN(Date.parse(recordedAt)))
    return undefined;
  return { recordedAt, incidentId, seq: Number(seq) };
}

type Subscriber = (e: TimelineEvent) => void;

export class EventsHub {
  readonly #feed: Feed;
  readonly #pollMs: number;
  readonly #subs = new Set<Subscriber>();
  readonly #seen = new Map<string, number>(); // cursor → recordedAt in ms
  #high: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(feed: Feed, opts: { pollMs: number; now: () => Date; onError: (e: unknown) => void }) {
    this.#feed = feed;
    this.#pollMs = opts.pollMs;
    this.#high = opts.now().getTime();
    this.#onError = opts.onError;
  }
  readonly #onError: (e: unknown) => void;

  get size(): number {
    return this.#subs.size;
  }

  start(): void {
    this.#schedule();
  }

  subscribe(fn: Subscriber): () => void {
    this.#subs.add(fn);
    return () => this.#subs.delete(fn);
  }

  /** Reads now (a NOTIFY arrived, or this replica wrote); coalesces wake-ups during a read. */
  wake(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#tick().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running;
    this.#subs.clear();
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.wake();
      this.#schedule();
    }, this.#pollMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    try {
      const from = new Date(this.#high - LOOKBACK_MS).toISOString();
      const events = await this.#feed.eventsRecordedFrom(from);
      for (const e of events) {
        const key = cursorOf(e);
        if (this.#seen.has(key)) continue;
        const t = Date.parse(e.recordedAt);
        this.#seen.set(key, t);
        this.#high = Math.max(this.#high, t);
        for (const s of this.#subs) s(e);
      }
      const floor = this.#high - 2 * LOOKBACK_MS;
      for (const [k, t] of this.#seen) if (t < floor) this.#seen.delete(k);
    } catch (e) {
      this.#onError(e);
    }
  }
}
