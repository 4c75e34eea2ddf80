// The live feed behind GET /events: one poller per replica reads the timeline events written since
// its high-water mark and hands each new one to every subscriber, which filters it by what its
// caller may see. A PostgreSQL NOTIFY (or this replica's own write) wakes it at once; the poll is
// the fallback, and it also catches events written straight to the database by a CLI.
//
// Events are ordered by (recordedAt, incidentId, seq), which is also the SSE id, so a client
// resumes with Last-Event-ID. The poll re-reads a short look-back window and skips what it has
// already delivered, so an event whose transaction committed a little after a later-stamped one is
// not lost (a writer's clock more than LOOKBACK_MS behind would be: see docs/server.md).
//
// What it costs, measured by `npm run bench:server` (docs/server.md has the figures): every write
// wakes the poller, so a wake reads only WAKE_LOOKBACK_MS back (a transaction that stamped its event
// and committed later than that is found by the next timed poll, which reads the whole window);
// each event's SSE frame is made once for every stream, and a stream writes what arrived together
// in one write; the fan-out yields to the event loop every few streams, so writes are not held
// behind it; and the streams' periodic re-check of their
// token and memberships is batched into two queries for all of them (`access`), instead of two
// queries a stream, which had every stream re-check on the same event and queue the writes behind
// them on the connection pool.

//
// One hub serves every team on the server: each event it hands out comes with its team, and a
// stream drops every event of another team before anything else (not even its id goes out).

import type { TimelineEvent } from "../domain/types.js";
import { memberKey, type TeamEvent } from "../store/server-records.js";

export const LOOKBACK_MS = 5_000;
/** How far back a wake-up (a write on this replica, a NOTIFY from another) reads. */
export const WAKE_LOOKBACK_MS = 1_000;
const PAGE = 1000;
/** How many streams receive an event before the event loop gets a turn (see #deliver). */
const FANOUT_SLICE = 20;

export interface Cursor {
  recordedAt: string;
  incidentId: string;
  seq: number;
}

export interface Feed {
  /** Every team's events from `from`, each tagged with its team. */
  eventsRecordedFrom(from: string, limit?: number): Promise<TeamEvent[]>;
  /** For the streams' re-check: the tokens by id, and the incidents each (team, member) was added to. */
  tokensByIds(ids: readonly string[]): Promise<Map<string, AccessToken>>;
  membershipsOfMany(members: readonly { team: string; member: string }[]): Promise<Map<string, Set<string>>>;
}

/** What a stream re-checks about its token: still there, not revoked, not expired. */
export interface AccessToken {
  revokedAt: string | null;
  expiresAt: string | null;
}

/** A stream's caller as re-read: undefined token when it no longer exists. */
export interface Access {
  token: AccessToken | undefined;
  memberships: Set<string>;
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

/** Receives each new event with the team it belongs to. */
type Subscriber = (e: TimelineEvent, team: string) => void;

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
  #lastFull = 0;
  readonly #frames = new WeakMap<TimelineEvent, string>();
  #batch: Map<string, { team: string; member: string; waiters: ((a: Access) => void)[]; fail: ((e: unknown) => void)[] }> | undefined;

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

  /** The event's SSE frame (id, event, data), made once for every stream that sends it. */
  frame(e: TimelineEvent): string {
    let f = this.#frames.get(e);
    if (f === undefined) {
      // JSON.stringify escapes newlines, so the data is one line.
      f = `id: ${cursorOf(e)}\nevent: timeline\ndata: ${JSON.stringify(e)}\n\n`;
      this.#frames.set(e, f);
    }
    return f;
  }

  /**
   * A stream's token and memberships as they are now. Every request made in the same turn of the
   * event loop (the streams that received the same event) is answered by one query for the tokens
   * and one for the memberships.
   */
  access(tokenId: string, member: string, team: string): Promise<Access> {
    return new Promise((resolve, reject) => {
      if (!this.#batch) {
        this.#batch = new Map();
        setImmediate(() => void this.#loadAccess());
      }
      const entry = this.#batch.get(tokenId) ?? { team, member, waiters: [], fail: [] };
      entry.waiters.push(resolve);
      entry.fail.push(reject);
      this.#batch.set(tokenId, entry);
    });
  }

  async #loadAccess(): Promise<void> {
    const batch = this.#batch!;
    this.#batch = undefined;
    try {
      const members = [...batch.values()].map((b) => ({ team: b.team, member: b.member }));
      const [tokens, memberships] = await Promise.all([this.#feed.tokensByIds([...batch.keys()]), this.#feed.membershipsOfMany(members)]);
      for (const [id, b] of batch) {
        const access = { token: tokens.get(id), memberships: memberships.get(memberKey(b.team, b.member)) ?? new Set<string>() };
        for (const w of b.waiters) w(access);
      }
    } catch (e) {
      for (const b of batch.values()) for (const f of b.fail) f(e);
    }
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
      this.#lastFull = 0; // the timed poll reads the whole look-back window
      this.wake();
      this.#schedule();
    }, this.#pollMs);
    this.#timer.unref();
  }

  /**
   * Hands the events to the subscribers a slice at a time, letting the event loop answer other
   * requests between slices: a stream's send runs on as promise callbacks, and 200 of them in one
   * go held every write's database round trips back behind the whole fan-out.
   */
  async #deliver(events: readonly { event: TimelineEvent; team: string }[]): Promise<void> {
    if (events.length === 0) return;
    const subs = [...this.#subs];
    for (let i = 0; i < subs.length; i += FANOUT_SLICE) {
      if (i > 0) await new Promise<void>((r) => setImmediate(r));
      for (const s of subs.slice(i, i + FANOUT_SLICE)) {
        if (!this.#subs.has(s)) continue; // ended while an earlier slice was sent
        for (const e of events) s(e.event, e.team);
      }
    }
  }

  async #tick(): Promise<void> {
    try {
      const now = Date.now();
      const full = now - this.#lastFull >= this.#pollMs;
      if (full) this.#lastFull = now;
      let from = new Date(this.#high - (full ? LOOKBACK_MS : WAKE_LOOKBACK_MS)).toISOString();
      // Page through: a burst of more than a page inside the window must not stall the feed.
      for (;;) {
        const events = await this.#feed.eventsRecordedFrom(from, PAGE);
        const fresh: { event: TimelineEvent; team: string }[] = [];
        for (const { team, ...e } of events) {
          const key = cursorOf(e);
          if (this.#seen.has(key)) continue;
          const t = Date.parse(e.recordedAt);
          this.#seen.set(key, t);
          this.#high = Math.max(this.#high, t);
          fresh.push({ event: e, team });
        }
        await this.#deliver(fresh);
        const last = events.at(-1);
        if (events.length < PAGE || !last || last.recordedAt === from || this.#closed) break;
        from = last.recordedAt;
      }
      const floor = this.#high - 2 * LOOKBACK_MS;
      for (const [k, t] of this.#seen) if (t < floor) this.#seen.delete(k);
    } catch (e) {
      this.#onError(e);
    }
  }
}
