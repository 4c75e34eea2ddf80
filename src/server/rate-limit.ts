// A per-token request budget over a sliding minute (per replica: each replica counts what it
// serves). Over budget, the answer is 429 with the seconds until a request fits again.

export class RateLimiter {
  readonly #hits = new Map<string, number[]>();
  constructor(
    readonly perMinute: number,
    readonly now: () => number = Date.now,
    /** The window, one minute unless said otherwise (access requests use an hour). */
    readonly windowMs = 60_000,
  ) {}

  /** Records a request; returns 0 when allowed, else the seconds to wait (Retry-After). */
  take(key: string): number {
    const t = this.now();
    const from = t - this.windowMs;
    const hits = (this.#hits.get(key) ?? []).filter((h) => h > from);
    if (hits.length >= this.perMinute) {
      this.#hits.set(key, hits);
      return Math.max(1, Math.ceil((hits[0]! + this.windowMs - t) / 1000));
    }
    hits.push(t);
    this.#hits.set(key, hits);
    return 0;
  }
}
