// Sampling a baseline before a deploy from a source that shows only "now": it goes on until the
// baseline is enough for the watch, survives a failed first read, and refuses when nothing worked.
// The source is a running counter fed by the simulator's Poisson traffic on a virtual clock.

import { describe, expect, it } from "vitest";
import { sampleBaseline } from "../../src/verify/baseline-window.js";
import { baselineEnough, watchReach } from "../../src/verify/reach.js";
import type { CumulativeSource, Reading } from "../../src/verify/sources/source.js";
import { increments } from "../../src/verify/sources/source.js";
import { createRng, poisson } from "../../src/verify/simulate.js";
import type { MetricBaseline } from "../../src/verify/watch.js";

function counterSource(rate: number, p0: number, opts: { failFirst?: number } = {}) {
  const rng = createRng(99);
  let clock = 0; // ms
  let bad = 0;
  let total = 0;
  let advancedTo = 0;
  let reads = 0;
  const advance = () => {
    const dt = (clock - advancedTo) / 1000;
    advancedTo = clock;
    const n = poisson(rng, rate * dt);
    total += n;
    bad += poisson(rng, n * p0);
  };
  const source: CumulativeSource = {
    kind: "cumulative",
    exposure: "requests",
    describes: "bad out of requests",
    async read(): Promise<Reading> {
      advance();
      reads++;
      if (reads <= (opts.failFirst ?? 0)) throw new Error("connect ECONNREFUSED 127.0.0.1:9");
      return new Map([
        ["bad", new Map([["", bad]])],
        ["total", new Map([["", total]])],
      ]);
    },
    between(prev, cur) {
      const inc = increments(prev, cur);
      return { bad: inc.get("bad") ?? 0, total: inc.get("total") ?? 0 };
    },
  };
  const time = { now: () => clock, sleep: async (ms: number) => void (clock += ms) };
  return { source, time };
}

const enoughFor = (b: MetricBaseline) => baselineEnough(watchReach({ baseline: b }, b.total / b.seconds));

describe("sampleBaseline", () => {
  it("samples on past the least time until the watch could catch ×2, then stops", async () => {
    const { source, time } = counterSource(50, 0.005);
    const b = await sampleBaseline(source, { minSeconds: 10, maxSeconds: 1200, intervalSeconds: 15, enough: enoughFor, ...time });
    expect(b.seconds).toBeGreaterThan(60); // 10 s would hold ~2 bad events: not enough
    expect(b.seconds).toBeLessThan(1200);
    expect(enoughFor(b)).toBe(true);
  });

  it("stops at the least time when traffic is plentiful", async () => {
    const { source, time } = counterSource(5000, 0.02);
    const b = await sampleBaseline(source, { minSeconds: 10, maxSeconds: 600, intervalSeconds: 5, enough: enoughFor, ...time });
    expect(b.seconds).toBeLessThanOrEqual(15);
  });

  it("stops at the most when enough never comes, and returns what it has", async () => {
    const { source, time } = counterSource(1, 0.001);
    const b = await sampleBaseline(source, { minSeconds: 10, maxSeconds: 120, intervalSeconds: 15, enough: enoughFor, ...time });
    expect(b.seconds).toBeGreaterThanOrEqual(105);
    expect(enoughFor(b)).toBe(false);
  });

  it("keeps sampling after a failed first read: counting starts at the first that works", async () => {
    const { source, time } = counterSource(50, 0.005, { failFirst: 2 });
    const b = await sampleBaseline(source, { minSeconds: 60, maxSeconds: 60, intervalSeconds: 15, ...time });
    expect(b.total).toBeGreaterThan(1000);
    expect(b.seconds).toBe(30); // reads at 30, 45 and 60 s worked
  });

  it("throws the source's error when no two reads worked", async () => {
    const { source, time } = counterSource(50, 0.005, { failFirst: 100 });
    await expect(sampleBaseline(source, { minSeconds: 30, maxSeconds: 30, intervalSeconds: 15, ...time })).rejects.toThrow("ECONNREFUSED");
  });
});
