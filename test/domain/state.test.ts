// The incident's state is a pure fold over its timeline: each table row is a timeline and the
// fact a reader gets from it. Records written by older releases (missing fields, odd shapes)
// give empty answers, never a crash.

import { describe, expect, it } from "vitest";
import { apply, incidentState, initialState, type IncidentState } from "../../src/domain/state/state.js";
import { confirmation, deploysTo, firstVerdict, lastChecks, milestonesOf, rolledBackNow } from "../../src/domain/state/facts.js";
import { readPr } from "../../src/domain/state/pr.js";
import type { EventData, EventKind } from "../../src/domain/events/index.js";
import type { TimelineEvent } from "../../src/domain/types.js";

let seq = 0;
const T0 = Date.parse("2026-11-27T10:00:00.000Z");
/** A stored event of a catalogued kind, one minute after the one before. */
function ev<K extends EventKind>(kind: K, data: EventData<K>, actor = "dana"): TimelineEvent {
  seq += 1;
  const at = new Date(T0 + seq * 60_000).toISOString();
  return { incidentId: "inc_1", seq, at, recordedAt: at, actor, kind, data: data as Record<string, unknown>, prevHash: "", hash: "" };
}
const state = (...events: TimelineEvent[]) => incidentState(events);

describe("incidentState", () => {
  it("starts empty", () => {
    const s = incidentState([]);
    expect(s).toEqual(initialState());
    expect(milestonesOf(s)).toEqual({});
  });

  it("is a fold: applying events one by one gives the same state", () => {
    const events = [
      ev("incident.started", { priority: "P1" }),
      ev("branch.created", { key: "git.branch", branch: "hotfix/x" }),
      ev("commit.created", { sha: "abc1234def" }),
    ];
    let s: IncidentState = initialState();
    for (const e of events) s = apply(s, e);
    expect(s).toEqual(incidentState(events));
  });

  it.each<[string, TimelineEvent[], (s: IncidentState) => unknown, unknown]>([
    [
      "the PR opened once, the first time counts",
      [ev("pr.opened", { key: "pr.open", number: 7, url: "u7" }), ev("pr.opened", { key: "pr.open@attempt-2", number: 9 })],
      (s) => s.prOpened?.number,
      7,
    ],
    [
      "approvals, by who gave them",
      [ev("review.approved", { by: "ana", number: 7 }), ev("review.approved", { by: "bo", note: null })],
      (s) => s.approvals.map((a) => a.by),
      ["ana", "bo"],
    ],
    ["an approval without `by` is the actor's", [{ ...ev("review.approved", { by: "x" }), data: {} }], (s) => s.approvals[0]?.by, "dana"],
    [
      "waivers of approval and of the watch",
      [ev("approval.waived", { by: "d", reason: "night" }), ev("watch.waived", { by: "d", reason: "no metrics" })],
      (s) => s.waivers.map((w) => `${w.item}:${w.reason}`),
      ["approval:night", "watch:no metrics"],
    ],
    [
      "checks: each run and the summary of the last `check`",
      [
        ev("check.passed", { name: "test", durationMs: 1200 }),
        ev("check.failed", { name: "build" }),
        ev("checks.failed", { passed: ["test"], failed: ["build"] }),
        ev("checks.passed", { passed: ["test", "build"], missing: ["typecheck"] }),
      ],
      (s) => [s.checks.runs.map((r) => `${r.name}:${r.status}`), lastChecks(s)?.ok, lastChecks(s)?.missing],
      [["test:passed", "build:failed"], true, ["typecheck"]],
    ],
    [
      "guard overrides in timeline order, given and reported",
      [
        ev("guard.allowed", { rule: "size", reason: "whole check" }),
        ev("guard.passed", {
          allowed: [
            { rule: "size", reason: "whole check" },
            { rule: "deps", reason: "CVE" },
          ],
        }),
      ],
      (s) => s.guard.overrides.map((o) => `${o.source}:${o.rule}`),
      ["allow:size", "report:size", "report:deps"],
    ],
    [
      "deploys per environment, from the template kind",
      [
        ev("deploy.staging.done", { key: "deploy.staging:v2", version: "v2" }),
        ev("deploy.production.done", { key: "deploy.production:v2", version: "v2", url: "https://d/1" }),
      ],
      (s) => [deploysTo(s, "staging").map((d) => d.version), deploysTo(s, "production").map((d) => d.url)],
      [["v2"], ["https://d/1"]],
    ],
    [
      "verdicts per slot; a rollback's verdict is not production's",
      [
        ev("verify.production.regression", { summary: "rose" }),
        ev("verify.rollback.verified", {}),
        ev("verify.production.verified", { decidedAfterSeconds: 300 }),
      ],
      (s) => [firstVerdict(s, "production", "verified")?.decidedAfterSeconds, s.verdicts.map((v) => `${v.slot}.${v.verdict}`)],
      [300, ["production.regression", "rollback.verified", "production.verified"]],
    ],
    [
      "announcements: each channel, the resolution, failures",
      [
        ev("announce.sent", { key: "announce:resolved:slack", channel: "slack", stage: "resolved" }),
        ev("announce.failed", { channel: "email" }),
        ev("announce.resolved", { channels: ["slack"] }),
      ],
      (s) => [s.announcements.sent.map((a) => a.channel), s.announcements.failed.map((a) => a.channel), s.announcements.resolved !== null],
      [["slack"], ["email"], true],
    ],
    [
      "backports carried",
      [ev("backport.target", { target: "release/1.3", state: "done" }), ev("backport.done", { targets: ["release/1.3"] })],
      (s) => s.backports.done.map((b) => b.targets),
      [["release/1.3"]],
    ],
    [
      "the review marked done",
      [ev("review.written", { path: "docs/x.md" }), ev("review.done", { path: "docs/x.md" })],
      (s) => s.review.done !== null,
      true,
    ],
    [
      "confirmations: the latest of each item, with its note",
      [ev("confirm.reproduced", { note: "first" }), ev("confirm.fixed", {}), ev("confirm.reproduced", { note: "again" })],
      (s) => [confirmation(s, "reproduced")?.note, confirmation(s, "no-regressions")],
      ["again", undefined],
    ],
    [
      "a rollback with no production deploy after it is live",
      [ev("deploy.production.done", {}), ev("rollback.done", { reason: "smoke failed" })],
      rolledBackNow,
      true,
    ],
    ["a production deploy after the rollback ends it", [ev("rollback.done", {}), ev("deploy.production.done", {})], rolledBackNow, false],
    [
      "commits with their files, tests and subjects",
      [ev("commit.created", { sha: "abc", subject: "fix", files: [{ path: "a.js", added: 2, deleted: 1 }], testFiles: ["a.test.js"] })],
      (s) => s.commits.map((c) => [c.subject, c.files, c.testFiles]),
      [["fix", [{ path: "a.js", added: 2, deleted: 1 }], ["a.test.js"]]],
    ],
    [
      "the journal: an intent with no outcome stays open; done closes it",
      [
        ev("effect.intent", { key: "a" }),
        ev("effect.intent", { key: "b" }),
        ev("branch.pushed", { key: "b" }),
        ev("effect.intent", { key: "c" }),
        ev("effect.possibly-done", { key: "c", settle: "look" }),
      ],
      (s) => [...s.journal.open],
      [
        ["a", { state: "intent" }],
        ["c", { state: "possibly-done", settle: "look" }],
      ],
    ],
    [
      "the journal: a failure or a retry closes the key",
      [
        ev("effect.intent", { key: "a" }),
        ev("effect.failed", { key: "a", error: "no" }),
        ev("effect.intent", { key: "b" }),
        ev("effect.retry", { key: "b" }),
      ],
      (s) => [s.journal.open.size, s.journal.failed.map((j) => j.error)],
      [0, ["no"]],
    ],
  ])("%s", (_what, events, read, want) => {
    expect(read(state(...events))).toEqual(want);
  });

  it("milestones: the first time each phase was reached", () => {
    const events = [
      ev("branch.created", {}),
      ev("commit.created", { sha: "a" }),
      ev("commit.created", { sha: "b" }),
      ev("pr.opened", {}),
      ev("release.merged", {}),
      ev("release.tagged", { tag: "v1.4.3" }),
      ev("deploy.staging.done", {}),
      ev("deploy.production.done", {}),
      ev("verify.production.verified", {}),
    ];
    const m = milestonesOf(incidentState(events));
    expect(m).toEqual({
      branch: events[0]!.at,
      firstCommit: events[1]!.at,
      pr: events[3]!.at,
      merged: events[4]!.at,
      tagged: events[5]!.at,
      deployed: events[7]!.at,
      verified: events[8]!.at,
    });
  });

  it("reads old or hand-made data without crashing: missing fields give empty answers", () => {
    const odd = (kind: string, data: unknown): TimelineEvent => ({
      ...ev("note", { text: "x" }),
      kind,
      data: data as Record<string, unknown>,
    });
    const s = state(
      odd("commit.created", { files: "not a list", sha: 42 }),
      odd("checks.passed", {}),
      odd("guard.passed", { allowed: [null, { reason: "no rule" }] }),
      odd("some.kind.from.elsewhere", { key: 3 }),
    );
    expect(s.commits[0]).toMatchObject({ sha: "42", files: [], testFiles: [] });
    expect(lastChecks(s)).toMatchObject({ ok: true, passed: [], failed: [] });
    expect(s.guard.overrides).toEqual([]);
  });
});

describe("readPr: the one reader of the PR on the record", () => {
  it.each<[string, unknown, unknown]>([
    ["none", undefined, null],
    ["no number", { url: "u" }, null],
    ["a number as text", { number: "12", url: "u" }, { number: 12, url: "u" }],
    [
      "the forge's fields kept",
      { number: 3, title: "Fix", state: "open", labels: ["hotfix"], forge: "git" },
      { number: 3, title: "Fix", state: "open", labels: ["hotfix"], forge: "git" },
    ],
  ])("%s", (_what, pr, want) => {
    expect(readPr({ data: pr === undefined ? {} : { pr } })).toEqual(want);
  });
});
