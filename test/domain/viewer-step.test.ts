// Whose step the next one is, for the person reading `status` on a team server.

import { describe, expect, it } from "vitest";
import { readerStep } from "../../src/domain/viewer-step.js";
import { incidentState } from "../../src/domain/state/state.js";
import type { TimelineEvent } from "../../src/domain/types.js";

let seq = 0;
const e = (kind: string, actor: string, data: Record<string, unknown> = {}): TimelineEvent => ({
  incidentId: "inc_1",
  seq: ++seq,
  at: "2026-12-06T03:00:00.000Z",
  recordedAt: "2026-12-06T03:00:00.000Z",
  actor,
  kind,
  data,
  prevHash: "",
  hash: "",
});
const withPr = incidentState([
  e("incident.started", "alice", { priority: "P1" }),
  e("commit.created", "alice", { sha: "a".repeat(40) }),
  e("pr.opened", "alice", { key: "pr.open:ENG-1", number: 7 }),
]);
const noPr = incidentState([e("incident.started", "alice", { priority: "P1" }), e("commit.created", "alice", { sha: "a".repeat(40) })]);
const base = { ticket: "ENG-1", approvalOwed: true };

describe("the next step for whoever reads status", () => {
  it("gives an approver who made none of the fix's commits the approval, once there is a PR", () => {
    expect(readerStep({ name: "bob", role: "approver", kind: "person" }, { ...base, nextItem: "ci-green", state: withPr })).toEqual({
      kind: "yours",
      command: "firebreak approve --ticket ENG-1",
      why: "the fix waits for an approval, and bob is an approver who made none of its commits",
    });
    expect(readerStep({ name: "bob", role: "approver", kind: "person" }, { ...base, nextItem: "checks", state: noPr })).toEqual({
      kind: "theirs",
    });
  });

  it("never gives the approval to the fix's author, an agent or a responder", () => {
    expect(
      readerStep({ name: "alice", role: "commander", kind: "person" }, { ...base, nextItem: "approval", state: withPr }),
    ).toMatchObject({
      kind: "others",
      who: "an approver who made none of the fix's commits",
    });
    expect(readerStep({ name: "fixbot", role: "approver", kind: "agent" }, { ...base, nextItem: "approval", state: withPr })).toMatchObject(
      {
        kind: "others",
        who: "a person with the approver role",
      },
    );
    expect(readerStep({ name: "carl", role: "responder", kind: "person" }, { ...base, nextItem: "approval", state: withPr }).kind).toBe(
      "others",
    );
    expect(readerStep({ name: "carl", role: "responder", kind: "person" }, { ...base, nextItem: "ci-green", state: withPr }).kind).toBe(
      "theirs",
    );
  });

  it("names any step as a responder's for a viewer", () => {
    expect(readerStep({ name: "vic", role: "viewer", kind: "person" }, { ...base, nextItem: "checks", state: noPr })).toEqual({
      kind: "others",
      who: "a responder",
    });
  });
});
