// Plan, then apply, through the SDK's client over stdio on a real repository with a bare origin
// and a real service deployed by the team's deploy command: an agent's ship is refused until a
// person confirms its plan, a stale plan is refused, and a person's confirmation lets it through.

import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { makeShipFixture, kindsOf, type ShipFixture } from "../ship/fixture.js";
import { closeAll, connect, textOf } from "./client.js";

let f: ShipFixture | undefined;
afterEach(async () => {
  await closeAll();
  f?.cleanup();
  f = undefined;
});

const planOf = (r: { structuredContent?: Record<string, unknown> }) =>
  r.structuredContent as { planId: string; ready: boolean; env: string; tag: string };

describe("firebreak mcp: plan, then apply", () => {
  it("refuses to apply a ship no person confirmed, refuses an agent's confirmation, and ships once a person confirms", async () => {
    f = await makeShipFixture({ priority: "P0" });
    const s = await connect(f.fx.work, ["--allow", "release"]);
    const planned = await s.call("release_ship_plan", {});
    expect(planned.isError, textOf(planned)).toBeFalsy();
    const plan = planOf(planned);
    expect(plan).toMatchObject({ ready: true, env: "production", tag: "v1.4.3" });
    expect(plan.planId).toMatch(/^plan_[0-9a-f]+$/);
    expect(textOf(planned)).toContain(`firebreak confirm-plan ${plan.planId}`);

    const early = await s.call("release_ship_apply", { planId: plan.planId });
    expect(early.isError).toBe(true);
    expect(textOf(early)).toContain("PLAN_UNCONFIRMED");
    expect(textOf(early)).toContain(`firebreak confirm-plan ${plan.planId}`);
    expect(await f.svc.version()).toBe("v1.4.2");

    // An agent at a shell cannot confirm its own plan.
    const byAgent = await f.cli(["confirm-plan", plan.planId], { FIREBREAK_ACTOR_KIND: "agent" });
    expect(byAgent.code).toBe(4);
    expect(byAgent.stderr).toContain("only a person may confirm a merge, deploy or rollback");

    const byPerson = await f.cli(["confirm-plan", plan.planId]);
    expect(byPerson.code, byPerson.stderr).toBe(0);
    expect(byPerson.stdout).toContain("tester confirmed plan");

    const applied = await s.call("release_ship_apply", { planId: plan.planId });
    expect(applied.isError, textOf(applied)).toBeFalsy();
    expect(applied.structuredContent).toMatchObject({ status: "shipped", env: "production", tag: "v1.4.3" });
    expect(await f.svc.version()).toBe("v1.4.3");

    const again = await s.call("release_ship_apply", { planId: plan.planId });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toContain("PLAN_APPLIED");

    const kinds = await kindsOf(f);
    const at = (k: string) => kinds.indexOf(k);
    expect(at("plan.made")).toBeLessThan(at("plan.confirmed"));
    expect(at("plan.confirmed")).toBeLessThan(at("release.merged"));
    expect(at("release.tagged")).toBeLessThan(at("plan.applied"));
  });

  it("refuses a stale plan: the incident has new events, or the hotfix branch moved, since it was made", async () => {
    f = await makeShipFixture({ priority: "P0" });
    const s = await connect(f.fx.work, ["--allow", "release"]);
    const first = planOf(await s.call("release_ship_plan", {}));
    expect((await f.cli(["confirm-plan", first.planId])).code).toBe(0);
    expect((await f.cli(["note", "a person found more to look at"])).code).toBe(0);
    const stale = await s.call("release_ship_apply", { planId: first.planId });
    expect(stale.isError).toBe(true);
    expect(textOf(stale)).toContain("PLAN_STALE");
    expect(textOf(stale)).toMatch(/new events|has events after/);
    expect(await f.svc.version()).toBe("v1.4.2");

    const second = planOf(await s.call("release_ship_plan", {}));
    expect((await f.cli(["confirm-plan", second.planId])).code).toBe(0);
    f.fx.commit("fix: one more line", { "src/extra.js": "export const extra = 1;\n" });
    const moved = await s.call("release_ship_apply", { planId: second.planId });
    expect(moved.isError).toBe(true);
    expect(textOf(moved)).toContain("PLAN_STALE");
    expect(textOf(moved)).toContain("moved");
    expect(await f.svc.version()).toBe("v1.4.2");
    expect(await kindsOf(f)).not.toContain("release.merged");
  });

  it("asks the person through the client when it supports elicitation, and ships on their yes", async () => {
    f = await makeShipFixture({ priority: "P0" });
    const s = await connect(f.fx.work, ["--allow", "release"], { elicitation: {} });
    const asked: string[] = [];
    s.client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(String(req.params.message));
      return { action: "accept", content: { confirm: true } };
    });
    const plan = planOf(await s.call("release_ship_plan", {}));
    const applied = await s.call("release_ship_apply", { planId: plan.planId });
    expect(applied.isError, textOf(applied)).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain("tag v1.4.3");
    expect(await f.svc.version()).toBe("v1.4.3");
  });

  it("a person's no through the client leaves production as it was", async () => {
    f = await makeShipFixture({ priority: "P0" });
    const s = await connect(f.fx.work, ["--allow", "release"], { elicitation: {} });
    s.client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "decline" }));
    const plan = planOf(await s.call("release_ship_plan", {}));
    const refused = await s.call("release_ship_apply", { planId: plan.planId });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain("PLAN_UNCONFIRMED");
    expect(await f.svc.version()).toBe("v1.4.2");
  });
});
