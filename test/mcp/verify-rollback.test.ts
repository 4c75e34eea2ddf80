// After an agent's ship: the verification through the verify toolset, and a rollback that, like
// the ship, is planned by the agent and applied only once a person confirmed it.

import { afterEach, describe, expect, it } from "vitest";
import { commandDeploy, kindsOf, makeShipFixture, type ShipFixture } from "../ship/fixture.js";
import { closeAll, connect, textOf } from "./client.js";

let f: ShipFixture | undefined;
afterEach(async () => {
  await closeAll();
  f?.cleanup();
  f = undefined;
});

const smoke = (port: number) =>
  `verify:\n  baseUrl: { production: "http://127.0.0.1:${port}" }\n  smoke:\n    - { name: version answers, url: /version, expectStatus: 200 }\n`;

describe("firebreak mcp: verify and roll back", () => {
  it("lists the verify toolset only when asked for", async () => {
    f = await makeShipFixture({ priority: "P0", ready: false });
    const s = await connect(f.fx.work, ["--toolsets", "verify", "--allow", "verify"]);
    const tools = (await s.client.listTools()).tools;
    expect(tools.map((t) => t.name)).toEqual(["verify_run", "verify_rollback_plan", "verify_rollback_apply"]);
    expect(tools.find((t) => t.name === "verify_rollback_apply")!.annotations).toMatchObject({
      destructiveHint: true,
      openWorldHint: true,
    });
    const byDefault = await connect(f.fx.work, ["--allow", "incident,fix,release,verify"]);
    expect((await byDefault.client.listTools()).tools.some((t) => t.name.startsWith("verify_"))).toBe(false);
  });

  it("verifies the agent's ship, and rolls it back only after a person confirms the plan", async () => {
    f = await makeShipFixture({ priority: "P0", config: (svc) => commandDeploy(svc) + smoke(svc.port) });
    const s = await connect(f.fx.work, ["--toolsets", "release,verify", "--allow", "release,verify"]);
    const ship = (await s.call("release_ship_plan", {})).structuredContent as { planId: string };
    expect((await f.cli(["confirm-plan", ship.planId])).code).toBe(0);
    const shipped = await s.call("release_ship_apply", { planId: ship.planId });
    expect(shipped.isError, textOf(shipped)).toBeFalsy();
    expect(await f.svc.version()).toBe("v1.4.3");

    const seen: string[] = [];
    const verified = await s.client.callTool({ name: "verify_run", arguments: {} }, undefined, {
      onprogress: (p) => void seen.push(String(p.message)),
    });
    expect(verified.isError, JSON.stringify(verified.content)).toBeFalsy();
    expect(verified.structuredContent).toMatchObject({ env: "production", outcome: "verified" });
    expect(seen).toContain("smoke version answers: ok");

    const planned = await s.call("verify_rollback_plan", { reason: "customers report logins failing" });
    expect(planned.isError, textOf(planned)).toBeFalsy();
    const plan = planned.structuredContent as { planId: string; from: string };
    expect(plan.from).toBe("v1.4.3");
    const early = await s.call("verify_rollback_apply", { planId: plan.planId });
    expect(textOf(early)).toContain("PLAN_UNCONFIRMED");
    expect(textOf(early)).toContain("verify_rollback_apply");
    expect(await f.svc.version()).toBe("v1.4.3");

    expect((await f.cli(["confirm-plan", plan.planId])).code).toBe(0);
    const rolled = await s.call("verify_rollback_apply", { planId: plan.planId });
    expect(rolled.isError, textOf(rolled)).toBeFalsy();
    // The default strategy reverts the fix and deploys the revert as the next patch.
    const result = rolled.structuredContent as { strategy: string; version: string };
    expect(result.strategy).toBe("revert");
    expect(await f.svc.version()).toBe(result.version);
    expect(result.version).not.toBe("v1.4.3");
    const kinds = await kindsOf(f);
    expect(kinds.lastIndexOf("plan.confirmed")).toBeLessThan(kinds.indexOf("rollback.deployed"));
  });
});
