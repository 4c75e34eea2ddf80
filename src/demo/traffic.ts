// Steady traffic for the sandbox service, as real users would send it: mostly valid tokens, some
// expired ones (the bug lets those in) and some legacy tokens. It keeps going across deploys:
// a refused connection while the service restarts is simply counted as unanswered.

export interface TrafficCounts {
  sent: number;
  byStatus: Record<string, number>;
  unanswered: number;
}

// One request in nine carries an expired token: that is what the bug lets through.
const MIX = [
  "tok-alice",
  "tok-legacy-carol",
  "tok-alice",
  "tok-legacy-carol",
  "tok-alice",
  "tok-legacy-carol",
  "tok-alice",
  "tok-legacy-carol",
  "tok-expired-bob",
];

export class Traffic {
  readonly counts: TrafficCounts = { sent: 0, byStatus: {}, unanswered: 0 };
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private i = 0;

  constructor(
    private readonly port: number,
    private readonly perSecond: number,
  ) {}

  start(): void {
    // Ticks of 50 ms, each sending its share of the per-second rate.
    const perTick = Math.max(1, Math.round(this.perSecond / 20));
    this.timer = setInterval(() => {
      for (let k = 0; k < perTick; k++) this.send(MIX[this.i++ % MIX.length]!);
    }, 50);
  }

  private send(token: string): void {
    this.counts.sent++;
    const p = fetch(`http://127.0.0.1:${this.port}/profile`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(2000),
    })
      .then(async (res) => {
        await res.arrayBuffer();
        this.counts.byStatus[res.status] = (this.counts.byStatus[res.status] ?? 0) + 1;
      })
      .catch(() => {
        this.counts.unanswered++;
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
  }
}
