import { describe, expect, it } from "vitest";
import { statusNotices } from "../../src/domain/notices.js";
import type { Incident, TimelineEvent } from "../../src/domain/types.js";

const incident = (priority: Incident["priority"]): Incident => ({
  id: "inc_1",
  ticket: "ENG-1",
  title: "t",
  priority,
  criteria: [],
  status: "open",
  discoveredAt: "2026-11-27T10:00:00.000Z",
  deadlineAt: "2026-11-27T12:00:00.000Z",
  branch: "hotfix/ENG-1-t",
  base: "main",
  remote: "origin",
  createdAt: "2026-11-27T10:00:00.000Z",
  updatedAt: "2026-11-27T10:00:00.000Z",
  data: {},
});
let seq = 0;
const ev = (kind: string, at = "2026-11-27T11:00:00.000Z", data: Record<string, unknown> = {}): TimelineEvent => ({
  incidentId: "inc_1",
  seq: ++seq,
  at,
  recordedAt: at,
  actor: "t",
  kind,
  data,
  prevHash: "",
  hash: "",
});
const ids = (p: Incident["priority"], events: TimelineEvent[], now = "2026-11-27T12:00:00.000Z") =>
  statusNotices(incident(p), events, new Date(now)).map((n) => n.id);

describe("status notices", () => {
  it("owes a review after a waived approval until someone approves", () => {
    const waiver = ev("approval.waived", undefined, { by: "dana", reason: "P0 at night" });
    const n = statusNotices(incident("P0"), [waiver, ev("deploy.production.done")], new Date("2026-11-27T12:00:00Z"));
    expect(n[0]?.text).toBe("review after deploy: due (approval waived by dana: P0 at night)");
    expect(ids("P0", [waiver, ev("review.approved")])).not.toContain("review-after-deploy");
    // An approval from before a later waiver does not settle it.
    expect(ids("P0", [ev("review.approved"), ev("approval.waived")])).toContain("review-after-deploy");
  });

  it("says inform now for a P0 deployed before anyone was told, and only then", () => {
    expect(ids("P0", [ev("deploy.production.done")])).toContain("inform-now");
    expect(ids("P0", [ev("deploy.production.done"), ev("announce.sent")])).not.toContain("inform-now");
    expect(ids("P1", [ev("deploy.production.done")])).not.toContain("inform-now");
    // A person's word after the deploy settles it (no channel configured); one from before does not.
    expect(ids("P0", [ev("deploy.production.done"), ev("confirm.oncall-notified")])).not.toContain("inform-now");
    expect(ids("P0", [ev("confirm.oncall-notified"), ev("deploy.production.done")])).toContain("inform-now");
    // ...but it must not claim that nobody was told: on-call was, and the announcement is missing.
    const toldBefore = statusNotices(
      incident("P0"),
      [ev("confirm.oncall-notified"), ev("deploy.production.done")],
      new Date("2026-11-27T12:00:00Z"),
    );
    expect(toldBefore.find((n) => n.id === "inform-now")?.text).toBe(
      "announce now: the fix is deployed and only on-call was told, before the deploy",
    );
    expect(statusNotices(incident("P0"), [ev("deploy.production.done")], new Date("2026-11-27T12:00:00Z"))[0]?.text).toContain(
      "nobody has been told",
    );
    // Rolled back: the message to send is about the rollback, and the rolled-back notice says what next.
    expect(ids("P0", [ev("deploy.production.done"), ev("rollback.done")])).toEqual(["rolled-back"]);
    const verified = statusNotices(
      incident("P0"),
      [ev("deploy.production.done"), ev("verify.production.verified")],
      new Date("2026-11-27T12:00:00Z"),
    );
    expect(verified.find((n) => n.id === "inform-now")?.command).toContain("--stage resolved");
  });

  it("says when a verdict was taken back after verified, until a rollback or a new verdict", () => {
    const v = ev("verify.production.verified");
    expect(ids("P1", [v, ev("verify.production.regression")])).toContain("verdict-taken-back");
    expect(ids("P1", [v, ev("verify.production.inconclusive")])).toContain("verdict-taken-back");
    expect(ids("P1", [v, ev("verify.production.watched")])).not.toContain("verdict-taken-back");
    expect(ids("P1", [ev("verify.production.regression")])).not.toContain("verdict-taken-back");
    expect(ids("P1", [v, ev("verify.production.regression"), ev("verify.production.verified")])).not.toContain("verdict-taken-back");
    expect(ids("P1", [ev("deploy.production.done"), v, ev("verify.production.regression"), ev("rollback.done")])).not.toContain(
      "verdict-taken-back",
    );
    const n = statusNotices(incident("P1"), [v, ev("verify.production.regression")], new Date("2026-11-27T12:00:00Z")).find(
      (x) => x.id === "verdict-taken-back",
    );
    expect(n?.command).toContain("firebreak rollback -t ENG-1");
  });

  it("puts the post-incident review 72 h after verification, overdue after that, gone once done", () => {
    const verified = ev("verify.production.verified", "2026-11-27T11:00:00.000Z");
    const due = statusNotices(incident("P1"), [verified], new Date("2026-11-28T11:00:00Z"))[0];
    expect(due?.text).toBe("post-incident review due by 2026-11-30 11:00 UTC");
    const late = statusNotices(incident("P1"), [verified], new Date("2026-11-30T12:00:00Z"))[0];
    expect(late?.overdue).toBe(true);
    expect(ids("P1", [verified, ev("review.done")])).toEqual([]);
    expect(ids("P2", [verified])).toEqual([]);
  });

  it("says a rolled-back fix needs another try, until a new deploy", () => {
    expect(ids("P1", [ev("deploy.production.done"), ev("rollback.done")])).toContain("rolled-back");
    expect(ids("P1", [ev("deploy.production.done"), ev("rollback.done"), ev("deploy.production.done")])).not.toContain("rolled-back");
  });

  it("takes the review's recorded due date and meeting when there are", () => {
    const inc = { ...incident("P0"), data: { review: { due: "2026-11-29T09:00:00.000Z", scheduled: { at: "2026-11-28T15:00:00.000Z" } } } };
    const n = statusNotices(inc, [ev("verify.production.verified")], new Date("2026-11-28T00:00:00Z"));
    expect(n.find((x) => x.id === "post-incident-review")?.text).toBe(
      "post-incident review due by 2026-11-29 09:00 UTC, meeting 2026-11-28 15:00 UTC",
    );
  });
});
