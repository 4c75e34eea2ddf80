// firebreak rollback after a real ship: revert (a revert commit on production, the next patch,
// deployed), previous (the previous tag redeployed, or the deployer's rollback command) and flag
// (an environment variable set through the deployer). The service's /version tells the truth.

import { afterEach, describe, expect, it } from "vitest";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gitIn } from "../helpers/git-fixture.js";
import { commandDeploy, kindsOf, makeShipFixture, type Service, type ShipFixture } from "./fixture.js";

let f: ShipFixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

async function shipped(config?: (svc: Service) => string): Promise<{ f: ShipFixture; merge: string }> {
  const fx = await makeShipFixture(config ? { config } : {});
  f = fx;
  const r = await fx.cli(["ship", "--json"]);
  expect(r.code, r.stderr).toBe(0);
  expect(await fx.svc.version()).toBe("v1.4.3");
  return { f: fx, merge: r.json().outcome.merge.sha };
}

describe("firebreak rollback", () => {
  it("revert: reverts the merge on production (not in the work tree), tags v1.4.4 and deploys it", async () => {
    const { f, merge } = await shipped();
    const dry = await f.cli(["rollback", "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json().strategy).toBe("revert"); // the command deployer has no rollback command
    expect(f.svc.deploys()).toHaveLength(1);

    const r = await f.cli(["rollback", "--strategy", "revert", "--reason", "error rate 450/min", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().rollback).toMatchObject({ strategy: "revert", version: "v1.4.4" });
    const head = gitIn(f.fx.origin, ["rev-parse", "main"]);
    expect(gitIn(f.fx.origin, ["rev-parse", "main^"])).toBe(merge);
    expect(gitIn(f.fx.origin, ["log", "-1", "--format=%B", "main"])).toContain(`This reverts commit ${merge}.`);
    expect(gitIn(f.fx.origin, ["show", "main:src/auth.js"])).toBe("export function check(t) { return true; }");
    expect(gitIn(f.fx.origin, ["rev-parse", "v1.4.4^{commit}"])).toBe(head);
    expect(await f.svc.version()).toBe("v1.4.4");
    expect(f.fx.git("status", "--porcelain")).toBe("");
    expect(f.fx.git("rev-parse", "--abbrev-ref", "HEAD")).toBe("hotfix/ENG-1234-expired-tokens-accepted");

    const s = (await f.cli(["status", "--json"])).json();
    expect(s.incident.status).toBe("rolled-back");
    expect(s.incident.data.rollbacks).toEqual([
      expect.objectContaining({ strategy: "revert", version: "v1.4.4", reason: "error rate 450/min", by: "tester", from: "v1.4.3" }),
    ]);
    const log = (await f.cli(["log", "--json"])).json();
    expect(log.events.filter((e: { kind: string }) => e.kind === "rollback.done")).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ strategy: "revert", reason: "error rate 450/min" }) }),
    ]);

    // Again: refused, nothing more happens.
    const again = await f.cli(["rollback", "--strategy", "revert"]);
    expect(again.code, again.stderr).toBe(4);
    expect(again.stderr).toContain("was already rolled back");
    expect(gitIn(f.fx.origin, ["rev-parse", "main"])).toBe(head);
    expect(f.svc.deploys()).toHaveLength(2);
    expect((await kindsOf(f)).filter((k) => k === "rollback.done")).toHaveLength(1);
  });

  it("revert killed after the push: the re-run finds the revert on production and does not revert twice", async () => {
    const { f, merge } = await shipped();
    const killed = await f.cli(["rollback", "--strategy", "revert"], { FIREBREAK_CRASH_AT: `rollback.revert:${merge}:after-perform` });
    expect(killed.signal).toBe("SIGKILL");
    const again = await f.cli(["rollback", "--strategy", "revert"]);
    expect(again.code, again.stderr).toBe(0);
    expect(gitIn(f.fx.origin, ["rev-list", "--count", `${merge}..main`])).toBe("1");
    expect(await f.svc.version()).toBe("v1.4.4");
  });

  it("previous: redeploys the previous tag through the deployer", async () => {
    const { f } = await shipped();
    const v142 = gitIn(f.fx.origin, ["rev-parse", "v1.4.2^{commit}"]);
    const r = await f.cli(["rollback", "--strategy", "previous", "--reason", "latency", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().rollback).toMatchObject({ strategy: "previous", version: "v1.4.2" });
    expect(await f.svc.version()).toBe("v1.4.2");
    expect(f.svc.deploys()[1]).toBe(`v1.4.2 ${v142} ENG-1234 production `);
    expect((await f.cli(["status", "--json"])).json().incident.status).toBe("rolled-back");
  });

  it("previous: uses the deployer's own rollback command when there is one (and it is the default)", async () => {
    const { f } = await shipped((svc) => commandDeploy(svc, `    rollback: ${JSON.stringify(svc.deployCommand)}\n`));
    const r = await f.cli(["rollback", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().rollback.strategy).toBe("previous");
    expect(r.json().rollback.summary).toContain("the rollback command");
    expect(await f.svc.version()).toBe("v1.4.2");
  });

  it("flag: sets the configured variable through the deployer", async () => {
    const { f } = await shipped(
      (svc) => `${commandDeploy(svc)}rollback:\n  flag:\n    env: { name: FEATURE_FIX_ENABLED, value: "false" }\n`,
    );
    expect(await f.svc.flag()).toBe("unset");
    const r = await f.cli(["rollback", "--strategy", "flag", "--reason", "turn the new check off"]);
    expect(r.code, r.stderr).toBe(0);
    expect(await f.svc.flag()).toBe("false");
    expect(await f.svc.version()).toBe("v1.4.3");
  });

  it("flag: killed after the variable was set, the re-run asks instead of deploying production again", async () => {
    const { f } = await shipped(
      (svc) => `${commandDeploy(svc)}rollback:\n  flag:\n    env: { name: FEATURE_FIX_ENABLED, value: "false" }\n`,
    );
    const killed = await f.cli(["rollback", "--strategy", "flag", "--reason", "turn the new check off"], {
      FIREBREAK_CRASH_AT: "rollback.flag:v1.4.3:after-perform",
    });
    expect(killed.code).not.toBe(0);
    expect(await f.svc.flag()).toBe("false");
    const deploys = f.svc.deploys().length;
    const again = await f.cli(["rollback", "--strategy", "flag", "--reason", "turn the new check off"]);
    expect(again.code, again.stdout + again.stderr).not.toBe(0);
    expect(again.stderr).toContain("--confirm-deployed");
    expect(f.svc.deploys()).toHaveLength(deploys); // no second production deploy
    const settled = await f.cli(["rollback", "--strategy", "flag", "--reason", "turn the new check off", "--confirm-deployed"]);
    expect(settled.code, settled.stdout + settled.stderr).toBe(0);
    expect(f.svc.deploys()).toHaveLength(deploys);
  });

  it("revert whose push reached origin but reported an error: the re-run finds that revert and does not revert twice", async () => {
    const { f, merge } = await shipped();
    // origin takes the push, then the connection drops (once): the client sees a failed push.
    const hook = join(f.fx.origin, "hooks", "post-receive");
    writeFileSync(hook, '#!/bin/sh\nrm -f "$0"\nkill -9 $PPID\n');
    chmodSync(hook, 0o755);
    const failed = await f.cli(["rollback", "--strategy", "revert"]);
    expect(failed.code).not.toBe(0);
    expect(gitIn(f.fx.origin, ["rev-list", "--count", `${merge}..main`])).toBe("1"); // it did land
    const again = await f.cli(["rollback", "--strategy", "revert"]);
    expect(again.code, again.stderr).toBe(0);
    expect(gitIn(f.fx.origin, ["rev-list", "--count", `${merge}..main`])).toBe("1");
    expect(gitIn(f.fx.origin, ["log", "-1", "--format=%B", "main"])).toContain(`This reverts commit ${merge}.`);
    expect(await f.svc.version()).toBe("v1.4.4");
    expect(f.svc.deploys()).toHaveLength(2);
  });

  it("previous, twice: the second rollback is refused and deploys nothing (so is any other strategy)", async () => {
    const { f } = await shipped();
    const first = await f.cli(["rollback", "--strategy", "previous", "--reason", "latency"]);
    expect(first.code, first.stderr).toBe(0);
    expect(f.svc.deploys()).toHaveLength(2);
    for (const strategy of ["previous", "revert"]) {
      const again = await f.cli(["rollback", "--strategy", strategy]);
      expect(again.code).toBe(4);
      expect(again.stderr).toContain("v1.4.3 was already rolled back (previous to v1.4.2, by tester");
      expect(again.stderr).toContain("Next: firebreak status ENG-1234");
    }
    expect(f.svc.deploys()).toHaveLength(2);
    expect(await f.svc.version()).toBe("v1.4.2");
    expect((await kindsOf(f)).filter((k) => k === "rollback.done")).toHaveLength(1);
  });

  it("previous, when the previous tag's commit cannot be found: refused, never the fix deployed under the old name", async () => {
    const { f } = await shipped();
    gitIn(f.fx.origin, ["tag", "-d", "v1.4.2"]);
    f.fx.git("tag", "-d", "v1.4.2");
    const r = await f.cli(["rollback", "--strategy", "previous"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("The previous release v1.4.2 is not on origin or in this repository");
    expect(r.stderr).toContain("firebreak rollback --strategy revert");
    expect(f.svc.deploys()).toHaveLength(1);
    expect(await f.svc.version()).toBe("v1.4.3");
    expect((await f.cli(["status", "--json"])).json().incident.status).toBe("shipped");
  });

  it("refuses before anything was shipped", async () => {
    f = await makeShipFixture();
    const r = await f.cli(["rollback"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("nothing to roll back");
  });
});
