import { describe, expect, it } from "vitest";
import { CHECKLIST, checklistFor, evaluateChecklist, type ItemState } from "../../src/domain/checklist.js";
import { PRIORITIES, type Priority, type TimelineEvent } from "../../src/domain/types.js";
import type { EventKind } from "../../src/domain/events/index.js";
import { incidentState } from "../../src/domain/state/state.js";

const ORDER = [
  "triage",
  "branch",
  "reproduced",
  "fix-committed",
  "guard",
  "checks",
  "confirmed-fixed",
  "happy-path",
  "edge-cases",
  "no-regressions",
  "pr",
  "approval",
  "ci-green",
  "staging-deployed",
  "staging-verified",
  "monitoring",
  "oncall-notified",
  "merged",
  "tagged",
  "production-deployed",
  "verified",
  "announced",
  "backported",
  "review",
  "followups",
];

/** The events that complete each item (any one of them), and those that waive it. */
const DONE_BY: Record<string, EventKind[]> = {
  triage: ["incident.started"],
  branch: ["branch.created"],
  reproduced: ["confirm.reproduced"],
  "fix-committed": ["commit.created"],
  guard: ["guard.passed"],
  checks: ["checks.passed"],
  "confirmed-fixed": ["confirm.fixed"],
  "happy-path": ["confirm.happy-path"],
  "edge-cases": ["confirm.edge-cases"],
  "no-regressions": ["confirm.no-regressions"],
  pr: ["pr.opened"],
  approval: ["review.approved"],
  "ci-green": ["ci.green"],
  "staging-deployed": ["deploy.staging.done", "confirm.staging-verified"],
  "staging-verified": ["verify.staging.verified", "confirm.staging-verified"],
  monitoring: ["monitoring.configured", "confirm.monitoring"],
  "oncall-notified": ["confirm.oncall-notified", "announce.sent"],
  merged: ["release.merged"],
  tagged: ["release.tagged"],
  "production-deployed": ["deploy.production.done"],
  verified: ["verify.production.verified"],
  announced: ["announce.resolved"],
  backported: ["backport.done"],
  review: ["review.done"],
  followups: ["followups.opened"],
};
const WAIVED_BY: Record<string, EventKind[]> = { approval: ["approval.waived"] };

const everyDoneKind: string[] = CHECKLIST.map((i) => DONE_BY[i.id]![0]!);
/** The incident's state after events of these kinds, in this order (the data as a bare record holds it). */
const stateOf = (kinds: Iterable<string>) =>
  incidentState(
    [...kinds].map(
      (kind, i): TimelineEvent => ({
        incidentId: "inc_t",
        seq: i + 1,
        at: "2026-11-27T10:00:00.000Z",
        recordedAt: "2026-11-27T10:00:00.000Z",
        actor: "t",
        kind,
        data: {},
        prevHash: "",
        hash: "",
      }),
    ),
  );
const states = (p: Priority, kinds: Iterable<string>): Record<string, ItemState> =>
  Object.fromEntries(evaluateChecklist(p, stateOf(kinds)).map((e) => [e.item.id, e.state]));
const nextOf = (p: Priority, kinds: Iterable<string>): string | undefined =>
  evaluateChecklist(p, stateOf(kinds)).find((e) => e.state === "next")?.item.id;

describe("CHECKLIST", () => {
  it("lists the steps in process order, each with a command and a completing event", () => {
    expect(CHECKLIST.map((i) => i.id)).toEqual(ORDER);
    for (const i of CHECKLIST) {
      expect(i.command).toMatch(/^firebreak /);
      expect(DONE_BY[i.id]?.length).toBeGreaterThan(0);
      expect(i.label.length).toBeGreaterThan(3);
    }
  });

  it("phases never go backwards", () => {
    const phases = ["triage", "fix", "review", "ship", "verify", "tell", "learn"];
    const seq = CHECKLIST.map((i) => phases.indexOf(i.phase));
    expect(seq).toEqual([...seq].sort((a, b) => a - b));
  });

  it.each<[Priority, string[]]>([
    ["P0", ["staging-deployed", "staging-verified"]],
    ["P1", []],
    ["P2", ["review"]],
    ["P3", ["review"]],
  ])("%s does not need %j", (p, notNeeded) => {
    const s = states(p, []);
    expect(Object.keys(s).filter((id) => s[id] === "not-needed")).toEqual(notNeeded);
    expect(checklistFor(p).map((i) => i.id)).toEqual(ORDER.filter((id) => !notNeeded.includes(id)));
  });
});

describe("evaluateChecklist", () => {
  it.each<[Priority, string[], string | undefined]>([
    ["P1", [], "triage"],
    ["P1", ["incident.started", "branch.created"], "reproduced"],
    // Out of order: the commit came before anyone confirmed the reproduction.
    ["P1", ["incident.started", "branch.created", "commit.created"], "reproduced"],
    ["P1", ["note", "effect.intent", "something.unknown"], "triage"],
    ["P0", everyDoneKind.filter((k) => k !== "review.approved"), "approval"],
    ["P0", everyDoneKind.filter((k) => !k.startsWith("deploy.staging") && k !== "ci.green"), "ci-green"],
    ["P1", everyDoneKind.filter((k) => k !== "deploy.staging.done"), "staging-deployed"],
    ["P0", everyDoneKind.filter((k) => k !== "monitoring.configured"), "monitoring"],
    ["P2", everyDoneKind.filter((k) => k !== "followups.opened"), "followups"],
    ["P2", everyDoneKind.filter((k) => k !== "review.done"), undefined], // P2 needs no review
    ["P3", everyDoneKind, undefined],
  ])("%s with %j → next is %s", (p, kinds, want) => {
    expect(nextOf(p, kinds)).toBe(want);
  });

  it("P0 may waive approval; the waiver shows and the next step moves on", () => {
    const kinds = [
      "incident.started",
      "branch.created",
      "confirm.reproduced",
      "commit.created",
      "guard.passed",
      "checks.passed",
      "confirm.fixed",
      "confirm.happy-path",
      "confirm.edge-cases",
      "confirm.no-regressions",
      "pr.opened",
      "approval.waived",
    ];
    const s = states("P0", kinds);
    expect(s["approval"]).toBe("waived");
    expect(nextOf("P0", kinds)).toBe("ci-green");
  });

  it.each<Priority>(["P1", "P2", "P3"])("a waiver does not count at %s", (p) => {
    const before = everyDoneKind.slice(0, ORDER.indexOf("approval"));
    expect(states(p, [...before, "approval.waived"])["approval"]).toBe("next");
  });

  it("an approval beats a waiver when both are recorded", () => {
    expect(states("P0", ["approval.waived", "review.approved"])["approval"]).toBe("done");
  });

  it("on-call counts as told when an announcement went out", () => {
    expect(states("P1", ["announce.sent"])["oncall-notified"]).toBe("done");
    expect(states("P1", ["confirm.oncall-notified"])["oncall-notified"]).toBe("done");
  });

  it("everything done: no next, every needed item done", () => {
    for (const p of PRIORITIES) {
      const s = evaluateChecklist(p, stateOf(new Set(everyDoneKind)));
      expect(s.filter((e) => e.state === "next")).toHaveLength(0);
      expect(s.every((e) => e.state === "done" || e.state === "not-needed")).toBe(true);
    }
  });

  it("each completing event alone ticks its item, and nothing else does", () => {
    for (const i of CHECKLIST)
      for (const kind of DONE_BY[i.id]!) {
        const s = states("P0", [kind]);
        expect(s[i.id] === "done" || s[i.id] === "not-needed", `${kind} ticks ${i.id}`).toBe(true);
        const others = CHECKLIST.filter((o) => s[o.id] === "done").map((o) => o.id);
        expect(
          others.every((o) => DONE_BY[o]!.includes(kind)),
          `${kind} ticks only ${others.join(", ")}`,
        ).toBe(true);
      }
  });

  it("reads any iterable of kinds, such as a generator over timeline rows", () => {
    function* kinds() {
      yield "incident.started";
      yield "branch.created";
    }
    expect(nextOf("P2", kinds())).toBe("reproduced");
  });

  it("has exactly one next item, and it is the first needed one not done, for many event mixes", () => {
    const pool: string[] = [...CHECKLIST.flatMap((i) => [...DONE_BY[i.id]!, ...(WAIVED_BY[i.id] ?? [])]), "note"];
    let seed = 42;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 400; round++) {
      const p = PRIORITIES[round % 4]!;
      const kinds = pool.filter(() => rand() < 0.6);
      const evaluated = evaluateChecklist(p, stateOf(kinds));
      const next = evaluated.filter((e) => e.state === "next");
      const open = evaluated.filter((e) => e.state === "next" || e.state === "todo");
      expect(next.length).toBe(open.length > 0 ? 1 : 0);
      if (open.length > 0) expect(open[0]!.state).toBe("next");
      for (const e of evaluated) {
        if (e.state === "done") expect(DONE_BY[e.item.id]!.some((k) => kinds.includes(k))).toBe(true);
        if (e.state === "not-needed") expect(e.item.levels).not.toContain(p);
      }
    }
  });
});
