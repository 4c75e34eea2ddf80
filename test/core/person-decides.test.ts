// An agent proposes; a person approves and waives. The refusal is in the core (the operations),
// so every face (CLI, server, MCP, Slack) gets it: here the operations are called directly with
// an agent's and a service's identity, on a real repository and SQLite record.

import { afterEach, describe, expect, it } from "vitest";
import { makePrFixture, type PrFixture } from "../forge/fixture.js";
import { waive } from "../../src/workflow/waive.js";
import { recordApproval } from "../../src/workflow/pr.js";
import { FirebreakError } from "../../src/errors.js";

let fx: PrFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

async function p0WithPr(): Promise<PrFixture> {
  const f = await makePrFixture();
  const incident = await f.store.updateIncident(f.incident.id, {
    data: { pr: { number: 1, url: "git:hotfix/ENG-1234-fix-auth-bypass", forge: "git", base: "main" } },
  });
  // The fixture is a P1; a waiver is a P0's, so the incident is read as a P0.
  f.incident = { ...incident, priority: "P0" };
  return f;
}

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FirebreakError);
  return e as FirebreakError;
};

describe("decisions that need a person", () => {
  it("refuses a waiver from an agent and from a service, and records nothing", async () => {
    fx = await p0WithPr();
    const before = (await fx.store.timeline(fx.incident.id)).length;
    for (const actorKind of ["agent", "service"] as const) {
      const e = await refusal(
        waive(
          { store: fx.store, clock: fx.clock, actor: "claude", actorKind },
          { incident: fx.incident, item: "approval", reason: "ship now" },
        ),
      );
      expect(e.code).toBe("PERSON_REQUIRED");
      expect(e.message).toContain("only a person may waive");
    }
    expect((await fx.store.timeline(fx.incident.id)).length).toBe(before);
    // The same waiver from a person is recorded.
    await waive(
      { store: fx.store, clock: fx.clock, actor: "dana", actorKind: "person" },
      { incident: fx.incident, item: "approval", reason: "ship now" },
    );
    expect((await fx.store.timeline(fx.incident.id)).map((e) => e.kind)).toContain("approval.waived");
  });

  it("refuses an approval recorded by an agent", async () => {
    fx = await p0WithPr();
    const e = await refusal(
      recordApproval({ store: fx.store, clock: fx.clock, actor: "claude", actorKind: "agent" }, fx.incident, { by: "sam" }),
    );
    expect(e.code).toBe("PERSON_REQUIRED");
    expect((await fx.store.timeline(fx.incident.id)).map((x) => x.kind)).not.toContain("review.approved");
  });
});
