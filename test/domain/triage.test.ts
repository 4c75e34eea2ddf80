import { describe, expect, it } from "vitest";
import { caught } from "../helpers/caught.js";
import { CRITERIA, criterionById } from "../../src/domain/criteria.js";
import { widerThanMaker } from "../../src/domain/access.js";
import { incidentLevelKind, LEVELS, parsePriority, requirements } from "../../src/domain/levels.js";
import { triage } from "../../src/domain/triage.js";
import { PRIORITIES, type Priority } from "../../src/domain/types.js";

const EXPECTED_LEVEL: Array<[string, Priority]> = [
  ["auth-bypass", "P0"],
  ["data-exposure", "P0"],
  ["remote-code-execution", "P0"],
  ["production-unavailable", "P0"],
  ["data-corruption", "P0"],
  ["payments-broken", "P0"],
  ["critical-feature-broken", "P1"],
  ["errors-most-users", "P1"],
  ["revenue-impact", "P1"],
  ["database-connectivity", "P1"],
  ["third-party-failure", "P1"],
  ["major-feature-partial", "P2"],
  ["segment-affected", "P2"],
  ["poor-workaround", "P2"],
  ["performance-degraded", "P2"],
  ["campaign-blocker", "P3"],
  ["partner-deadline", "P3"],
];

describe("criteria", () => {
  it("holds exactly the SPEC's criteria, each once, with a label and a hint", () => {
    expect(CRITERIA.map((c) => c.id).sort()).toEqual(EXPECTED_LEVEL.map(([id]) => id).sort());
    for (const c of CRITERIA) {
      expect(c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(c.label.length).toBeGreaterThan(5);
      expect(c.hint.length).toBeGreaterThan(5);
    }
  });

  it("is listed most severe first, so menus read from P0 down", () => {
    const ranks = CRITERIA.map((c) => PRIORITIES.indexOf(c.level));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it.each(EXPECTED_LEVEL)("%s decides %s on its own", (id, level) => {
    expect(criterionById(id)?.level).toBe(level);
    const r = triage({ criteria: [id], productionBroken: true });
    expect(r).toMatchObject({ kind: "emergency", priority: level });
    if (r.kind === "emergency") expect(r.decidedBy.map((c) => c.id)).toEqual([id]);
  });

  it("criterionById returns undefined for an unknown id", () => {
    expect(criterionById("nope")).toBeUndefined();
  });
});

describe("triage", () => {
  it.each<[string[], Priority, string[]]>([
    [["poor-workaround", "auth-bypass"], "P0", ["auth-bypass"]],
    [["segment-affected", "revenue-impact", "partner-deadline"], "P1", ["revenue-impact"]],
    [["partner-deadline", "performance-degraded"], "P2", ["performance-degraded"]],
    [["campaign-blocker", "partner-deadline"], "P3", ["campaign-blocker", "partner-deadline"]],
    [["database-connectivity", "errors-most-users", "poor-workaround"], "P1", ["errors-most-users", "database-connectivity"]],
  ])("%j → %s decided by %j", (criteria, priority, decidedBy) => {
    const r = triage({ criteria, productionBroken: true });
    if (r.kind !== "emergency") throw new Error("expected an emergency");
    expect(r.priority).toBe(priority);
    expect(r.decidedBy.map((c) => c.id)).toEqual(decidedBy);
    expect(r.all.map((c) => c.id).sort()).toEqual([...criteria].sort());
  });

  it("does not depend on flag order, case, spaces or repeats", () => {
    const a = triage({ criteria: ["poor-workaround", "data-exposure"] });
    const b = triage({ criteria: [" Data-Exposure ", "poor-workaround", "data-exposure"] });
    expect(b).toEqual(a);
  });

  it.each([
    [{ criteria: [] }],
    [{ criteria: [], productionBroken: false }],
    [{ criteria: [], productionBroken: false, deadline: false }],
    [{ criteria: ["", "  "] }],
  ])("nothing broken and no deadline (%j) is not an emergency, pointing to the normal process", (input) => {
    const r = triage(input);
    if (r.kind !== "not-emergency") throw new Error("expected not-emergency");
    expect(r.message).toMatch(/not an emergency/i);
    expect(r.next).toMatch(/normal release process/i);
  });

  it("production broken without a criterion asks which criterion", () => {
    const e = caught(() => triage({ criteria: [], productionBroken: true }));
    expect(e.code).toBe("USAGE");
    expect(e.message).toMatch(/criterion/);
    expect(e.details.some((d) => d.startsWith("auth-bypass"))).toBe(true);
  });

  it("a deadline without saying which asks for the P3 criterion", () => {
    const e = caught(() => triage({ criteria: [], deadline: true }));
    expect(e.code).toBe("USAGE");
    expect(e.details.map((d) => d.split(" ")[0])).toEqual(["campaign-blocker", "partner-deadline"]);
  });

  it("lists every unknown id in one error, with the valid ids and where to look", () => {
    const e = caught(() => triage({ criteria: ["auth-bypass", "site-slow", "p0", "$(touch pwned)"] }));
    expect(e.code).toBe("USAGE");
    expect(e.exit).toBe(2);
    expect(e.message).toContain('"site-slow"');
    expect(e.message).toContain('"p0"');
    expect(e.message).toContain('"$(touch pwned)"');
    expect(e.message).not.toContain('"auth-bypass"');
    expect(e.next).toBe("firebreak triage --list");
    expect(e.details).toHaveLength(CRITERIA.length);
    for (const c of CRITERIA) expect(e.details.join("\n")).toContain(c.id);
  });
});

describe("levels", () => {
  it.each<[Priority, number, boolean, boolean, boolean, boolean, number | null]>([
    ["P0", 2, false, false, true, true, 72],
    ["P1", 4, false, true, false, true, 72],
    ["P2", 24, true, true, false, false, null],
    ["P3", 48, false, true, false, false, null],
  ])("%s: %d h, business day %s, staging %s, waivable %s, review %s (%s h)", (p, hours, biz, staging, waive, review, due) => {
    const l = LEVELS[p];
    expect([
      l.respondWithinHours,
      l.businessDayDeadline,
      l.stagingRequired,
      l.approvalWaivable,
      l.reviewRequired,
      l.reviewDueHours,
    ]).toEqual([hours, biz, staging, waive, review, due]);
    expect(l.kind.length).toBeGreaterThan(3);
    expect(l.deploy.length).toBeGreaterThan(3);
  });

  it("requirements say what differs between levels", () => {
    const text = (p: Priority) => requirements(p).join("\n");
    expect(text("P0")).toMatch(/staging is skipped/);
    expect(text("P0")).toMatch(/waive/);
    expect(text("P0")).toMatch(/review within 72 hours/);
    expect(text("P1")).toMatch(/staging first/);
    expect(text("P1")).not.toMatch(/waive/);
    expect(text("P2")).toMatch(/next business day/);
    expect(text("P2")).not.toMatch(/post-incident review/);
    expect(text("P3")).toMatch(/scheduled release/);
  });

  it.each([
    ["p0", "P0"],
    ["P1", "P1"],
    [" p2 ", "P2"],
    ["P3", "P3"],
  ])("parsePriority(%j) → %s", (input, want) => {
    expect(parsePriority(input)).toBe(want);
  });

  it.each(["P4", "", "high", "0", "-P1", "P1; rm -rf /"])("parsePriority(%j) is a usage error", (input) => {
    const e = caught(() => parsePriority(input));
    expect(e.code).toBe("USAGE");
    expect(e.message).toMatch(/P0, P1, P2 or P3/);
  });
});

describe("how an incident's level reads", () => {
  it("calls a P0 a security hole only when a security criterion decided it", () => {
    expect(incidentLevelKind({ priority: "P0", criteria: ["auth-bypass"] })).toBe("security hole / data exposure");
    expect(incidentLevelKind({ priority: "P0", criteria: ["payments-broken"] })).toBe("payments completely broken");
    expect(incidentLevelKind({ priority: "P0", criteria: ["production-unavailable", "data-exposure"] })).toBe(
      "security hole / data exposure",
    );
    expect(incidentLevelKind({ priority: "P0", criteria: [] })).toBe("security hole / data exposure");
    expect(incidentLevelKind({ priority: "P1", criteria: ["critical-feature-broken"] })).toBe("production down");
  });
});

describe("a token never exceeds the token making it", () => {
  it("names each way a new token would be wider, and nothing for one within the maker's grant", () => {
    const maker = { role: "admin" as const, kind: "service" as const, incidentScope: "inc_1", expiresAt: "2027-01-01T00:00:00Z" };
    expect(
      widerThanMaker(maker, { role: "responder", kind: "service", incidentScope: "inc_1", expiresAt: "2026-12-31T00:00:00Z" }),
    ).toEqual([]);
    expect(widerThanMaker(maker, { role: "responder", kind: "person", incidentScope: null, expiresAt: null })).toEqual([
      "a service token may not make a person token",
      "it must be limited to inc_1, as the maker is",
      "it must expire by 2027-01-01T00:00:00Z, as the maker does",
    ]);
    expect(
      widerThanMaker(
        { ...maker, role: "commander" },
        { role: "admin", kind: "service", incidentScope: "inc_1", expiresAt: "2026-01-01T00:00:00Z" },
      ),
    ).toEqual(["the admin role is above the commander role"]);
  });
});
