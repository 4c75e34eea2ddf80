// P1–P3 need "verified on staging": init says how, verify --env staging without config says how,
// and a staging check made by hand is recorded (who, when, which commit) and counts.

import { afterEach, describe, expect, it } from "vitest";
import { makeShipFixture, type ShipFixture } from "../ship/fixture.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

let f: ShipFixture | undefined;
let fx: GitFixture | undefined;
afterEach(() => {
  f?.cleanup();
  fx?.cleanup();
  f = undefined;
  fx = undefined;
});

const gateOf = (r: { json(): any }) => Object.fromEntries(r.json().gate.items.map((i: { id: string }) => [i.id, i]));

describe("staging at P1", () => {
  it("init's config says how to reach 'verified on staging'", async () => {
    fx = makeRepo();
    const r = await firebreak(fx.work, ["init", "--stdout"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("P1, P2 and P3 ship to production only after the fix is deployed to staging and verified there");
    expect(r.stdout).toContain("#   baseUrl: { staging:");
    expect(r.stdout).toContain("firebreak confirm staging-verified");
  });

  it("confirm staging-verified records who and which commit, ticks the checklist and meets the gate", async () => {
    f = await makeShipFixture({ priority: "P1" });
    const before = await f.cli(["ship", "--dry-run", "--json"]);
    expect(before.code).toBe(5);
    expect(gateOf(before)["staging-verified"]).toMatchObject({ met: false });
    expect(gateOf(before)["staging-verified"].command).toContain("firebreak confirm staging-verified");

    const v = await f.cli(["verify", "--env", "staging"]);
    expect(v.code).toBe(7);
    expect(v.stderr).toContain("firebreak confirm staging-verified");

    const c = await f.cli(["confirm", "staging-verified", "--note", "logged in with an expired token on staging: 401"]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/by tester, \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    const head = f.fx.git("rev-parse", "HEAD");
    const ev = (await f.cli(["log", "--json"])).json().events.find((e: { kind: string }) => e.kind === "confirm.staging-verified");
    expect(ev).toMatchObject({ actor: "tester", data: { sha: head, note: "logged in with an expired token on staging: 401" } });

    const after = await f.cli(["ship", "--dry-run", "--json"]);
    expect(gateOf(after)["staging-deployed"]).toMatchObject({ met: true });
    expect(gateOf(after)["staging-verified"]).toMatchObject({ met: true });
    expect(gateOf(after)["staging-verified"].detail).toContain("checked by hand by tester");
    const status = await f.cli(["status"]);
    expect(status.stdout).toContain("✔ Verified on staging");
  });
});
