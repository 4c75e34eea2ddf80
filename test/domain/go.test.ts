// The route `firebreak go` walks, as a table: from the record's state and a few facts, which step
// is next, which need a person, and which are skipped. Pure: no repository, no record.

import { describe, expect, it } from "vitest";
import { leftForPeople, nextStep, planGo, type GoFacts } from "../../src/domain/go.js";
import { initialState, type IncidentState } from "../../src/domain/state/state.js";

const mark = (seq: number) => ({ at: "2026-12-05T03:00:00Z", seq, actor: "dana" });

const facts = (over: Partial<GoFacts> = {}, state: Partial<IncidentState> = {}): GoFacts => ({
  priority: "P0",
  state: { ...initialState(), started: mark(1), branchCreated: mark(2), ...state },
  changedFiles: 0,
  headUnrecorded: false,
  headUnpushed: false,
  notifyChannels: 1,
  checkedThisRun: false,
  lastPrPushSeq: null,
  stagingConfigured: false,
  verifyConfigured: true,
  metricsConfigured: true,
  chatChannels: ["webhook"],
  approvalOnForge: false,
  backportTargets: 2,
  actionItems: 0,
  reviewWritten: false,
  ...over,
});

const next = (f: GoFacts) => {
  const s = nextStep(planGo(f));
  return s && `${s.id}:${s.state}`;
};

const committed = { commits: [{ ...mark(5), sha: "a".repeat(40), files: [], testFiles: ["t.js"] }] } as unknown as Partial<IncidentState>;
const checked = {
  guard: { passed: mark(3), overrides: [] },
  checks: { runs: [], summaries: [{ ...mark(4), ok: true }] },
} as unknown as Partial<IncidentState>;

describe("the route of firebreak go", () => {
  it("asks for the fix first, then checks and commits the change, then opens the PR", () => {
    expect(next(facts())).toBe("check:person");
    expect(next(facts({ changedFiles: 2 }))).toBe("check:todo");
    expect(next(facts({ changedFiles: 2, checkedThisRun: true }, checked))).toBe("commit:todo");
    expect(next(facts({}, { ...checked, ...committed }))).toBe("pr:todo");
  });

  it("pushes again when a commit came after the last push", () => {
    const opened = { ...checked, ...committed, prOpened: { ...mark(4), number: 1 } } as Partial<IncidentState>;
    expect(next(facts({ lastPrPushSeq: 4 }, opened))).toBe("pr:todo");
    expect(next(facts({ lastPrPushSeq: 6 }, opened))).toBe("approval:person");
  });

  it("leaves the approval to the ship gate on a hosted forge, and tells the on-call itself through chat", () => {
    const ready = { ...checked, ...committed, prOpened: { ...mark(6), number: 1 } } as Partial<IncidentState>;
    expect(next(facts({ lastPrPushSeq: 6, approvalOnForge: true }, ready))).toBe("oncall:todo");
    expect(next(facts({ lastPrPushSeq: 6, approvalOnForge: true, chatChannels: [] }, ready))).toBe("oncall:person");
    expect(next(facts({ lastPrPushSeq: 6, approvalOnForge: true, metricsConfigured: false }, ready))).toBe("monitoring:person");
  });

  it("checks and pushes a commit made with plain git after the PR opened", () => {
    const opened = { ...checked, ...committed, prOpened: { ...mark(6), number: 1 } } as Partial<IncidentState>;
    expect(next(facts({ lastPrPushSeq: 6, headUnrecorded: true, headUnpushed: true }, opened))).toBe("check:todo");
    expect(next(facts({ lastPrPushSeq: 6, headUnrecorded: true, headUnpushed: true, checkedThisRun: true }, opened))).toBe("pr:todo");
  });

  it("skips the announcement when no channel is configured, instead of stopping there", () => {
    const steps = planGo(facts({ notifyChannels: 0 }));
    expect(steps.find((s) => s.id === "announce")?.state).toBe("skipped");
  });

  it("goes through staging at P1 when a staging deployer exists, and skips it at P0", () => {
    const ready = {
      ...checked,
      ...committed,
      prOpened: { ...mark(6), number: 1 },
      approvals: [{ ...mark(7), by: "sam" }],
      announcements: { sent: [{ ...mark(8) }], resolved: null, failed: [] },
    } as unknown as Partial<IncidentState>;
    expect(next(facts({ lastPrPushSeq: 6, priority: "P1", stagingConfigured: true }, ready))).toBe("staging:todo");
    expect(next(facts({ lastPrPushSeq: 6, priority: "P1" }, ready))).toBe("staging:person");
    // Deployed to staging but no verdict (no verify for staging): a person verifies or confirms; never a second deploy.
    const deployed = { ...ready, deploys: [{ ...mark(9), env: "staging", version: "v1.4.3-rc.1" }] } as unknown as Partial<IncidentState>;
    const st = nextStep(planGo(facts({ lastPrPushSeq: 6, priority: "P1", stagingConfigured: true }, deployed)));
    expect(st).toMatchObject({ id: "staging", state: "person" });
    expect(st?.detail).toContain("firebreak confirm staging-verified");
    const p0 = planGo(facts({ lastPrPushSeq: 6 }, ready));
    expect(p0.find((s) => s.id === "staging")?.state).toBe("skipped");
    expect(nextStep(p0)).toMatchObject({ id: "ship", decision: "ship" });
  });

  it("never holds the release for the review's tail, and lists what is left for people", () => {
    const shipped = {
      ...checked,
      ...committed,
      prOpened: { ...mark(6), number: 1 },
      waivers: [{ ...mark(7), item: "approval", reason: "night" }],
      announcements: { sent: [{ ...mark(8) }], resolved: mark(12), failed: [] },
      deploys: [{ ...mark(9), env: "production", version: "v1.4.3" }],
      verdicts: [{ ...mark(10), slot: "production", verdict: "verified" }],
      backports: { done: [{ ...mark(11), targets: ["rc"] }] },
    } as unknown as Partial<IncidentState>;
    const f = facts({ lastPrPushSeq: 6, reviewWritten: true }, shipped);
    expect(nextStep(planGo(f))).toBeUndefined();
    const left = leftForPeople("P0", f.state);
    expect(left.some((l) => l.startsWith("firebreak approve"))).toBe(true);
    expect(left.some((l) => l.includes("review meeting"))).toBe(true);
    expect(left.some((l) => l.startsWith("firebreak confirm fixed"))).toBe(true);
  });
});
