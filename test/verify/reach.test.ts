import { describe, expect, it } from "vitest";
import { createDecider, decisionModel, expectedPath, type Outcome } from "../../src/verify/decision.js";
import { canCatch, describeReach, watchReach } from "../../src/verify/reach.js";
import { estimateDispersion } from "../../src/verify/overdispersion.js";
import { baselineBuckets, createRng, deployStream, runSeed, type StreamSpec } from "../../src/verify/simulate.js";

// The target traffic of the benchmark: 50 requests/s, 0.5% bad.
const spec = (over: Partial<StreamSpec> = {}): StreamSpec => ({ rate: 50, p0: 0.005, k: 2, interval: 15, seconds: 1800, ...over });

const expectedBaseline = (seconds: number, rate = 50, p0 = 0.005) => ({ bad: rate * seconds * p0, total: rate * seconds, seconds });

describe("what the watch can see, said before the deploy", () => {
  it("counts the baseline's size: 10 s of baseline cannot catch ×2 where 30 minutes can", () => {
    const short = watchReach({ baseline: expectedBaseline(10) }, 50);
    const long = watchReach({ baseline: expectedBaseline(1800) }, 50);
    expect(canCatch(short)).toBe(false);
    expect(short.baselineLimits).toBe(true);
    expect(describeReach(short)).toMatch(/^cannot catch ×2 within the 30 min window \(the baseline holds too few bad events/);
    expect(canCatch(long)).toBe(true);
    expect(long.catchSeconds).toBeLessThan(600);
    expect(describeReach(long)).toMatch(/^can catch ×2 within ~\d min( \d+ s)? of the deploy; /);
  });

  it("says when traffic, not the baseline, is what keeps a regression out of reach", () => {
    const r = watchReach({ baseline: expectedBaseline(1800, 1) }, 1);
    expect(canCatch(r)).toBe(false);
    expect(r.baselineLimits).toBe(false);
    expect(describeReach(r)).toContain("traffic is too low for any test to tell");
  });

  it("keeps its promise: a ×2 regression is rolled back by the promised time in at least 99 runs of 100", () => {
    const promise = watchReach({ baseline: expectedBaseline(1800) }, 50).catchSeconds;
    let inTime = 0;
    const runs = 200;
    for (let i = 0; i < runs; i++) {
      const rng = createRng(runSeed(77, i));
      const buckets = baselineBuckets(rng, spec(), 1800);
      const baseline = {
        bad: buckets.reduce((a, b) => a + b.bad, 0),
        total: buckets.reduce((a, b) => a + b.total, 0),
        seconds: 1800,
        dispersion: estimateDispersion(buckets),
      };
      const d = createDecider({ baseline });
      let o: Outcome = "pending";
      for (const s of deployStream(rng, spec())) {
        o = d.observe(s);
        if (o === "regression") break;
      }
      if (o === "regression" && (d.state().decidedAt ?? Infinity) <= promise) inTime++;
    }
    expect(inTime / runs).toBeGreaterThanOrEqual(0.99);
  });

  it("matches the decision's warm-up: inside it only a change beyond the allowance is caught", () => {
    const model = (warmupAllowance?: number) =>
      decisionModel({ baseline: expectedBaseline(1800), ...(warmupAllowance ? { warmupAllowance } : {}) });
    expect(expectedPath(model(), 50, 10, 1.645).rollbackSeconds).toBeLessThan(60);
    expect(expectedPath(model(20), 50, 10, 1.645).rollbackSeconds).toBeGreaterThan(60);
    expect(expectedPath(model(), 50, 2, 1.645).rollbackSeconds).toBeGreaterThan(60);
  });
});
