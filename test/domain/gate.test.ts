// The deploy gate as a table: for each level and environment, which facts meet which items, and
// the command a person is shown for each unmet one. Pure: no repository, no record.

import { describe, expect, it } from "vitest";
import { evaluateGate, type GateFacts } from "../../src/domain/gate.js";

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
  kinds: new Set(["confirm.monitoring", "confirm.oncall-notified"]),
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
    ["monitoring and on-call not recorded", { kinds: new Set() }, ["monitoring", "oncall-notified"]],
    ["an announcement tells on-call", { kinds: new Set(["monitoring.configured", "announce.sent"]) }, []],
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
    ["staging itself needs only green CI", { env: "staging", pr: null, approvals: [], kinds: new Set(), staging: null }, []],
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

  it("every unmet item names the command that meets it", () => {
    const gate = evaluateGate(
      facts({ pr: null, approvals: [], ci: { ...green, state: "none", checks: [] }, kinds: new Set(), staging: null }),
    );
    for (const i of gate.items.filter((x) => !x.met)) expect(i.command, i.id).toMatch(/firebreak |\.firebreak\.yml/);
  });
});
