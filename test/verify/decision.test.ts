import { describe, expect, it } from "vitest";
import { createDecider, withdrawAbove, type Outcome, type Sample } from "../../src/verify/decision.js";
import { informationBound } from "../../src/verify/bound.js";
import { decisionModel, expectedPath } from "../../src/verify/decision.js";
import { estimateDispersion } from "../../src/verify/overdispersion.js";
import { describeRate } from "../../src/verify/describe.js";
import { baselineBuckets, createRng, deployStream, type StreamSpec } from "../../src/verify/simulate.js";

const spec = (over: Partial<StreamSpec> = {}): StreamSpec => ({ rate: 50, p0: 0.005, k: 1, interval: 15, seconds: 1800, ...over });

// One run as the benchmark does it: a 30-minute healthy baseline, then the deploy's samples.
function run(s: StreamSpec, seed: number, opts: { warmupSeconds?: number; warmupAllowance?: number } = {}) {
  const rng = createRng(seed);
  const buckets = baselineBuckets(rng, s, 1800);
  const baseline = {
    bad: buckets.reduce((a, b) => a + b.bad, 0),
    total: buckets.reduce((a, b) => a + b.total, 0),
    seconds: 1800,
    dispersion: estimateDispersion(buckets),
  };
  const decider = createDecider({ baseline, ...opts });
  let outcome: Outcome = "pending";
  for (const sample of deployStream(rng, s)) {
    outcome = decider.observe(sample);
    if (outcome === "regression") break;
  }
  return { outcome, state: decider.state() };
}

describe("informationBound", () => {
  it("gives verification.md's example figures at 50 req/s and 0.5%", () => {
    const k4 = informationBound({ rate: 50, p0: 0.005, k: 4, alpha: 0.01, beta: 0.01 });
    expect(k4.rollbackSeconds).toBeCloseTo(7.1, 1);
    expect(k4.verifySeconds).toBeCloseTo(11.2, 1);
    const k2 = informationBound({ rate: 50, p0: 0.005, k: 2, alpha: 0.01, beta: 0.01 });
    expect(Math.round(k2.rollbackSeconds)).toBe(47);
    expect(Math.round(k2.verifySeconds)).toBe(59);
    expect(Math.round(informationBound({ rate: 5, p0: 0.005, k: 2, alpha: 0.01, beta: 0.01 }).rollbackSeconds)).toBe(466);
  });

  it("tells at 1 req/s that a decision needs longer than a 30-minute window", () => {
    const long = (rate: number, p0: number) => decisionModel({ baseline: { bad: rate * 1800 * p0, total: rate * 1800, seconds: 1800 } });
    expect(expectedPath(long(1, 0.001), 1).verifySeconds).toBeGreaterThan(1800);
    expect(expectedPath(long(50, 0.005), 50).verifySeconds).toBeLessThan(300);
  });
});

describe("createDecider", () => {
  it("rolls back a clear 4× regression within minutes, with the interval above 1", () => {
    const { outcome, state } = run(spec({ k: 4 }), 11);
    expect(outcome).toBe("regression");
    expect(state.decidedAt).toBeLessThan(300);
    expect(state.interval[0]).toBeGreaterThan(1);
    expect(state.ratioEstimate).toBeGreaterThan(2);
  });

  it("verifies a fix whose rate is back at the baseline and keeps it verified to the window's end", () => {
    const { outcome, state } = run(spec({ k: 1 }), 12);
    expect(outcome).toBe("verified");
    expect(state.verifiedAt).toBeLessThan(600);
    expect(state.interval[1]).toBeLessThan(2);
  });

  it("allows the warm-up its spike: 4× cold-cache errors for 60 s do not roll back", () => {
    const spiky = spec({ k: 1, spike: 4, spikeSeconds: 60 });
    const { outcome } = run(spiky, 13);
    expect(outcome).toBe("verified");
    // Without the warm-up allowance the same stream is rolled back: the allowance is what saves it.
    expect(run(spiky, 13, { warmupSeconds: 0 }).outcome).toBe("regression");
  });

  it("still rolls back a regression beyond the allowance during the warm-up", () => {
    const { outcome, state } = run(spec({ k: 10 }), 14);
    expect(outcome).toBe("regression");
    expect(state.decidedAt).toBeLessThan(60);
    // A team whose deploys spike higher says so, and the same stream is then let through the warm-up.
    expect(run(spec({ k: 1, spike: 10, spikeSeconds: 60 }), 14, { warmupAllowance: 20 }).outcome).toBe("verified");
  });

  it("counts time from the deploy: a fix at high traffic is verified inside the warm-up", () => {
    const { outcome, state } = run(spec({ rate: 500, p0: 0.02, k: 1 }), 15);
    expect(outcome).toBe("verified");
    expect(state.verifiedAt).toBeLessThan(60);
  });

  it("judges a sample that straddles the warm-up's end by the warm-up's allowance", () => {
    const d = createDecider({ baseline: { bad: 45, total: 9000, seconds: 1800 } });
    d.observe({ t: 45, bad: 0, total: 750 });
    d.observe({ t: 75, bad: 20, total: 1500 }); // covers 45–75 s, partly warm-up: 1.8× the baseline
    expect(d.state().outcome).toBe("pending");
    expect(d.state().evidence.towardRegression).toBe(0); // the tests after the warm-up have seen nothing
    expect(d.state().counts.total).toBe(2250); // but it is counted since the deploy
  });

  it("does not roll back over-dispersed A/A streams (200 seeded runs)", () => {
    let falseRollbacks = 0;
    let verified = 0;
    for (let i = 0; i < 200; i++) {
      const { outcome } = run(spec({ k: 1, burstCv: 0.45 }), 1000 + i);
      if (outcome === "regression") falseRollbacks++;
      if (outcome === "verified") verified++;
    }
    // α = 1%: two expected at most; 5 would mean the dispersion allowance is not working.
    expect(falseRollbacks).toBeLessThanOrEqual(4);
    expect(verified).toBeGreaterThan(180);
  });

  it("tolerates missing scrapes and an outage: counters carry the counts to the next sample", () => {
    const gappy = { missing: 0.3, gap: [120, 300] as [number, number] };
    expect(run(spec({ k: 4, ...gappy }), 21).outcome).toBe("regression");
    expect(run(spec({ k: 1, ...gappy }), 22).outcome).toBe("verified");
  });

  it("ignores repeated or out-of-order timestamps", () => {
    const d = createDecider({ baseline: { bad: 45, total: 9000, seconds: 1800 } });
    const samples: Sample[] = [
      { t: 60, bad: 15, total: 3000 }, // the warm-up, at the baseline's rate
      { t: 75, bad: 1, total: 750 },
      { t: 75, bad: 900, total: 750 },
      { t: 70, bad: 900, total: 750 },
    ];
    for (const s of samples) d.observe(s);
    expect(d.state().counts.bad).toBe(16);
    expect(d.state().ignoredSamples).toBe(2);
    expect(d.state().outcome).toBe("pending");
  });

  it("catches a regression that starts after the fix was verified", () => {
    const { outcome, state } = run(spec({ k: 3, lateStart: 300 }), 31);
    expect(state.verifiedAt).toBeLessThan(300);
    expect(outcome).toBe("regression");
    expect(state.decidedAt).toBeGreaterThan(300);
  });

  // Exact counts (no randomness): 5 req/s at 0.5% is 0.375 bad events per 15 s scrape.
  function exact(multipleAfter: (t: number) => number) {
    const decider = createDecider({ baseline: { bad: 45, total: 9000, seconds: 1800 } });
    let carry = 0;
    for (let t = 15; t <= 1800; t += 15) {
      carry += 75 * 0.005 * multipleAfter(t);
      const bad = Math.floor(carry);
      carry -= bad;
      decider.observe({ t, bad, total: 75 });
    }
    return decider.state();
  }

  it("withdraws a verdict at the window's end when the rate since it leaned toward a regression", () => {
    // Quiet at first (verified early), then 1.6× the baseline: too little for the restarted tests
    // to roll back at 5 req/s, too much to leave verified.
    const st = exact((t) => (t <= 600 ? 0.2 : 1.6));
    expect(st.verifiedAt).toBeLessThan(600);
    expect(st.outcome).toBe("inconclusive");
    expect(st.withdrawn?.ratioSince).toBeGreaterThan(withdrawAbove(1, 2));
    expect(st.withdrawn?.ratioSince).toBeLessThan(2);
  });

  it("keeps the verdict when the rate since it stays at the baseline", () => {
    const st = exact((t) => (t <= 600 ? 0.2 : 1));
    expect(st.verifiedAt).toBeLessThan(600);
    expect(st.outcome).toBe("verified");
    expect(st.withdrawn).toBeUndefined();
  });

  it("draws the withdrawal line below the equal-likelihood point of tolerance and ratio", () => {
    expect(withdrawAbove(1, 2)).toBeCloseTo(0.9 / Math.LN2, 6); // 1.30
    expect(withdrawAbove(1, 2)).toBeGreaterThan(1);
    expect(withdrawAbove(1.1, 3)).toBeGreaterThan(1.1);
    expect(withdrawAbove(1.1, 3)).toBeLessThan(3);
  });

  it("ends inconclusive when the traffic is too low to decide in the window", () => {
    const { outcome, state } = run(spec({ rate: 1, p0: 0.001, k: 1 }), 41);
    expect(outcome).toBe("inconclusive");
    expect(state.expectedSecondsToDecide).toBeGreaterThan(1800);
  });
});

describe("estimateDispersion", () => {
  it("reads Poisson counts as about 1 and bursty counts as more", () => {
    const rng = createRng(5);
    const poisson = estimateDispersion(baselineBuckets(rng, spec(), 1800));
    const bursty = estimateDispersion(baselineBuckets(rng, spec({ burstCv: 0.45 }), 1800));
    expect(poisson).toBeLessThan(1.35);
    expect(bursty).toBeGreaterThan(1.4);
    expect(estimateDispersion([])).toBe(1);
  });
});

describe("describeRate", () => {
  it("writes rates the way people say them", () => {
    expect(describeRate(0.125, 0.2 / 60, "min")).toBe("error rate 7.5/min → 0.2/min");
    expect(describeRate(2, 0.05, "s", "slow requests")).toBe("slow requests 2/s → 0.05/s");
    expect(describeRate(0.5, 0, "h")).toBe("error rate 1800/h → 0/h");
  });
});
