// The deploy gate as a table: for each level and environment, which facts meet which items, and
// the command a person is shown for each unmet one. Pure: no repository, no record.

import { describe, expect, it } from "vitest";
import { evaluateGate, waiverCovers, type GateFacts } from "../../src/domain/gate.js";

const HEAD = "a".repeat(40);
const green = { state: "green" as const, checks: [{ name: "test", state: "success" as const }], source: "recorded local checks" };

/** A P1 production ship with everything the gate asks for, unless a row says otherwise. */
const facts = (over: Partial<GateFacts> = {}): GateFacts => ({
  ticket: "ENG-1234",
  priority: "P1",
  env: "production",
  forge: "git",
  pr: { number: 7, url: "git:hotfix/ENG-1234", state: "open" },
  approvals: [{ by: "Dana", at: "2026-12-05T03:10:00Z", commit: HEAD }],
  waiver: null,
  ci: green,
  headSha: HEAD,
  monitoring: true,
  oncallTold: true,
  stagingConfigured: true,
  staging: { version: "v1.4.3-rc.1", sha: HEAD, verifiedAfter: true },
  ...over,
});

const unmet = (f: GateFacts) =>
  evaluateGate(f)
    .items.filter((i) => !i.met)
    .map((i) => i.id);

describe("evaluateGate", () => {
  it.each<[string, Partial<GateFacts>, string[]]>([
    ["P1 with everything", {}, []],
    ["no pull request", { pr: null }, ["pr"]],
    ["a closed pull request", { pr: { number: 7, url: "u", state: "closed" } }, ["pr"]],
    ["no approval", { approvals: [] }, ["approval"]],
    ["CI still running", { ci: { ...green, state: "pending" } }, ["ci-green"]],
    ["CI failing", { ci: { ...green, state: "failing" } }, ["ci-green"]],
    [
      "staging runs an earlier commit",
      { staging: { version: "v1.4.3-rc.1", sha: "b".repeat(40), verifiedAfter: true } },
      ["staging-deployed", "staging-verified"],
    ],
    [
      "staging deployed, not verified since",
      { staging: { version: "v1.4.3-rc.1", sha: HEAD, verifiedAfter: false } },
      ["staging-verified"],
    ],
    [
      "staging checked by hand instead",
      { stagingConfigured: false, staging: null, stagingConfirmed: { by: "Sam", at: "2026-12-05T03:20:00Z" } },
      [],
    ],
    ["monitoring and on-call not recorded", { monitoring: false, oncallTold: false }, ["monitoring", "oncall-notified"]],
    ["on-call told, monitoring not", { monitoring: false }, ["monitoring"]],
    ["P0 needs no staging", { priority: "P0", staging: null, stagingConfigured: false }, []],
    ["P0 without approval or waiver", { priority: "P0", staging: null, approvals: [] }, ["approval"]],
    [
      "P0 with the approval waived",
      {
        priority: "P0",
        staging: null,
        approvals: [],
        waiver: { item: "approval", by: "Ana", reason: "active exploitation", at: "2026-12-05T03:05:00Z" },
      },
      [],
    ],
    [
      "staging itself needs only green CI",
      { env: "staging", pr: null, approvals: [], monitoring: false, oncallTold: false, staging: null },
      [],
    ],
  ])("%s", (_name, over, expected) => {
    expect(unmet(facts(over))).toEqual(expected);
    expect(evaluateGate(facts(over)).ok).toBe(expected.length === 0);
  });

  it("a waived approval is met and marked waived; at P1 no waiver counts", () => {
    const waiver = { item: "approval" as const, by: "Ana", reason: "active exploitation", at: "2026-12-05T03:05:00Z" };
    const p0 = evaluateGate(facts({ priority: "P0", staging: null, approvals: [], waiver })).items.find((i) => i.id === "approval")!;
    expect(p0).toMatchObject({ met: true, waived: true });
    const p1 = evaluateGate(facts({ approvals: [], waiver })).items.find((i) => i.id === "approval")!;
    expect(p1).toMatchObject({ met: false, command: "firebreak approve --by <reviewer>" });
  });

  describe("a waiver covers the commit it was given for", () => {
    const OLD = "b".repeat(40);
    const p0 = (over: Partial<GateFacts>) => facts({ priority: "P0", staging: null, approvals: [], ...over });
    const approval = (f: GateFacts) => evaluateGate(f).items.find((i) => i.id === "approval")!;
    const waiver = { item: "approval" as const, by: "Ana", reason: "active exploitation", at: "2026-12-05T03:05:00Z" };

    it("a waiver for the head counts; one for an earlier commit (the rolled-back fix) does not", () => {
      expect(approval(p0({ waiver: { ...waiver, commit: HEAD } }))).toMatchObject({ met: true, waived: true });
      const stale = approval(p0({ waiver: { ...waiver, commit: OLD }, rolledBackAt: "2026-12-05T04:00:00Z" }));
      expect(stale).toMatchObject({ met: false, waived: false });
      expect(stale.detail).toBe(
        `waived by Ana for ${OLD.slice(0, 12)}, an earlier commit: it does not cover the latest commit ${HEAD.slice(0, 12)}, which needs an approval or a waiver of its own`,
      );
      expect(stale.command).toContain('firebreak waive approval --reason "<why>"');
    });

    it("an older record's waiver without a commit counts until a rollback after it", () => {
      expect(approval(p0({ waiver }))).toMatchObject({ met: true, waived: true });
      expect(approval(p0({ waiver, rolledBackAt: "2026-12-05T03:00:00Z" }))).toMatchObject({ met: true, waived: true });
      const after = approval(p0({ waiver, rolledBackAt: "2026-12-05T04:00:00Z" }));
      expect(after).toMatchObject({ met: false, waived: false });
      expect(after.detail).toContain("before the rollback at 2026-12-05 04:00 UTC");
    });

    it("waiverCovers: the commit decides when there is one, the rollback's time otherwise", () => {
      expect(waiverCovers({ ...waiver, commit: HEAD }, HEAD, "2026-12-06T00:00:00Z")).toBe(true);
      expect(waiverCovers({ ...waiver, commit: OLD }, HEAD, null)).toBe(false);
      expect(waiverCovers(waiver, HEAD, null)).toBe(true);
      expect(waiverCovers(waiver, HEAD, "2026-12-05T03:06:00Z")).toBe(false);
    });

    it("the watch's waiver too", () => {
      const watch = (w: GateFacts["watch"]) =>
        evaluateGate(p0({ approvals: [{ by: "Dana", at: "2026-12-05T03:10:00Z", commit: HEAD }], watch: w })).items.find(
          (i) => i.id === "watch",
        )!;
      const blind = { ratio: 2, required: true, metrics: [{ name: "errors", says: "too little traffic", canCatch: false }] };
      const given = { ...waiver, item: "watch" as const };
      expect(watch({ ...blind, waiver: { ...given, commit: HEAD } })).toMatchObject({ met: true, waived: true });
      expect(watch({ ...blind, waiver: { ...given, commit: OLD } })).toMatchObject({ met: false, waived: false });
    });
  });

  it("every unmet item names the command that meets it", () => {
    const gate = evaluateGate(
      facts({ pr: null, approvals: [], ci: { ...green, state: "none", checks: [] }, monitoring: false, oncallTold: false, staging: null }),
    );
    for (const i of gate.items.filter((x) => !x.met)) expect(i.command, i.id).toMatch(/firebreak |\.firebreak\.yml/);
  });
});
