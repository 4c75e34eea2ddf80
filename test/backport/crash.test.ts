// kill -9 in the middle of the durable steps (FIREBREAK_CRASH_AT=<effect key>:<point>), then a
// re-run: each target's backport branch reaches the origin exactly once and each gets exactly one
// PR, and the timeline keeps both runs without a gap.

import { afterEach, describe, expect, it } from "vitest";
import { gitIn } from "../helpers/git-fixture.js";
import { makeCliFixture, TICKET, type CliFixture } from "./cli-fixture.js";

let fx: CliFixture | undefined;
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

const BRANCHES = [`refs/heads/backport/develop/hotfix-${TICKET}`, `refs/heads/backport/rc/hotfix-${TICKET}`];

describe("kill -9 during firebreak backport", () => {
  it.each([
    ["backport.push:develop", "after-intent"],
    ["backport.push:develop", "after-perform"],
    ["backport.pr:develop", "after-intent"],
    ["backport.pr:develop", "after-perform"],
    ["backport.push:release-candidate", "after-intent"],
    ["backport.pr:release-candidate", "after-perform"],
  ])("killed at %s %s: the re-run pushes each branch once and opens one PR per target", async (key, point) => {
    fx = await makeCliFixture();
    const killed = await fx.cli(["backport"], { FIREBREAK_CRASH_AT: `${key}:${point}` });
    expect(killed.signal, killed.stderr).toBe("SIGKILL");

    const again = await fx.cli(["backport", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().targets.map((t: { status: string }) => t.status)).toEqual(["done", "done"]);

    const backportPushes = fx.pushes().filter((p) => p.startsWith("refs/heads/backport/"));
    expect(backportPushes.sort()).toEqual(BRANCHES);
    const prs = fx.prs();
    expect(Object.keys(prs).sort()).toEqual(BRANCHES.map((b) => b.slice("refs/heads/".length)));
    expect(new Set(Object.values(prs).map((p) => p.number)).size).toBe(2);
    for (const head of Object.keys(prs))
      expect(gitIn(fx.origin, ["rev-parse", head])).toBe(again.json().targets.find((t: { branch: string }) => t.branch === head).sha);

    const opened = await fx.events("backport.pr-opened");
    expect(opened.map((e) => e.data.base).sort()).toEqual(["develop", "release-candidate"]);
    expect((await fx.events("backport.pushed")).map((e) => e.data.target).sort()).toEqual(["develop", "release-candidate"]);
    // The interrupted step was settled from the world when it had happened, redone when it had not.
    const settled = [...opened, ...(await fx.events("backport.pushed"))].filter((e) => e.data.key === key);
    expect(Boolean(settled[0]?.data.reconciled)).toBe(point === "after-perform");
    expect(await fx.events("backport.done")).toHaveLength(1);
    const verify = await fx.cli(["log", "--verify", TICKET]);
    expect(verify.code, verify.stderr).toBe(0);

    // A third run has nothing left to do.
    const third = await fx.cli(["backport"]);
    expect(third.code, third.stderr).toBe(0);
    expect(fx.pushes().filter((p) => p.startsWith("refs/heads/backport/"))).toHaveLength(2);
    expect(Object.keys(fx.prs())).toHaveLength(2);
  });
});
