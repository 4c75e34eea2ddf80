// Posting within Slack's limits: about one message a second per channel, and after a 429 nothing
// more to that channel until its Retry-After has passed. Jobs are keyed: a job queued while an
// earlier one with the same key is still waiting replaces it, so a burst of verification updates
// becomes one chat.update of the incident message instead of a flood.

import { ErrorCode } from "@slack/web-api";

export interface QueueOptions {
  /** Smallest gap between two calls to one channel (ms); Slack allows about one a second. */
  gapMs?: number;
  now?: () => number;
  onError?: (e: unknown, key: string) => void;
  /** Most attempts for one job when Slack keeps answering 429. */
  maxAttempts?: number;
}

type Job = { run: () => Promise<void>; attempts: number };

interface Lane {
  pending: Map<string, Job>;
  nextAt: number;
  running: Promise<void> | null;
}

/** The seconds to wait when a call was refused with 429, else undefined. */
export function retryAfterOf(e: unknown): number | undefined {
  const err = e as { code?: string; retryAfter?: number };
  return err?.code === ErrorCode.RateLimitedError ? Math.max(1, Number(err.retryAfter) || 1) : undefined;
}

export class PostQueue {
  readonly #lanes = new Map<string, Lane>();
  readonly #gap: number;
  readonly #now: () => number;
  readonly #onError: (e: unknown, key: string) => void;
  readonly #maxAttempts: number;
  /** Rate-limit back-offs taken, for tests and metrics. */
  backoffs = 0;

  constructor(o: QueueOptions = {}) {
    this.#gap = o.gapMs ?? 1000;
    this.#now = o.now ?? Date.now;
    this.#onError = o.onError ?? (() => undefined);
    this.#maxAttempts = o.maxAttempts ?? 5;
  }

  /** Queues a call to `channel`; a waiting job with the same key is replaced (batching). */
  push(channel: string, key: string, run: () => Promise<void>): void {
    let lane = this.#lanes.get(channel);
    if (!lane) {
      lane = { pending: new Map(), nextAt: 0, running: null };
      this.#lanes.set(channel, lane);
    }
    const before = lane.pending.get(key);
    lane.pending.delete(key); // re-inserted at the end: the newest state goes out after the others waiting
    lane.pending.set(key, { run, attempts: before?.attempts ?? 0 });
    if (!lane.running) lane.running = this.#drain(lane).finally(() => (lane.running = null));
  }

  /** Resolves when every lane is empty (tests and shutdown). */
  async idle(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      const busy = [...this.#lanes.values()].map((l) => l.running).filter((p): p is Promise<void> => p !== null);
      if (busy.length === 0) return;
      await Promise.all(busy);
    }
  }

  async #drain(lane: Lane): Promise<void> {
    while (lane.pending.size > 0) {
      const wait = lane.nextAt - this.#now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const [key, job] = lane.pending.entries().next().value as [string, Job];
      lane.pending.delete(key);
      try {
        await job.run();
        lane.nextAt = this.#now() + this.#gap;
      } catch (e) {
        const retryAfter = retryAfterOf(e);
        if (retryAfter !== undefined && job.attempts + 1 < this.#maxAttempts) {
          this.backoffs++;
          lane.nextAt = this.#now() + retryAfter * 1000;
          // A newer job with the same key already carries the latest state; else this one goes again.
          if (!lane.pending.has(key)) lane.pending.set(key, { run: job.run, attempts: job.attempts + 1 });
        } else {
          lane.nextAt = this.#now() + this.#gap;
          this.#onError(e, key);
        }
      }
    }
  }
}
