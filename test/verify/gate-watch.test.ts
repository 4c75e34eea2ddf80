// Before a production deploy the gate says what the watch after it could catch. At a level where a
// regression rolls back by itself (verify.autoRollback), a watch that could not see one stops the
// ship before it merges, with the command that makes it able to, or, at P0, a recorded waiver.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kindsOf } from "../ship/fixture.js";
import { gitIn } from "../helpers/git-fixture.js";
import { watchedShips } from "./watched-ship.js";

const watched = watchedShips();

const gateOf = (r: { json(): any }) => Object.fromEntries(r.json().gate.items.map((i: { id: string }) => [i.id, i]));

describe("the gate's watch item", () => {
  it("P0 with automatic rollback: a watch too blind to catch ×2 stops the ship before the merge; a waiver lets it go", async () => {
    const { f } = await watched({ rate: 2 }); // far too little traffic for a 1-minute window
    const before = gitIn(f.fx.origin, ["rev-parse", "main"]);

    // pr started sampling production in the background; the gate reads what it has so far.
    const readings = join(f.fx.work, ".git", "firebreak", "sampler", "production.jsonl");
    for (let i = 0; i < 200 && !(existsSync(readings) && readFileSync(readings, "utf8").split("\n").filter(Boolean).length >= 3); i++)
      await new Promise((r) => setTimeout(r, 100));
    const dry = await f.cli(["ship", "--dry-run", "--json"]);
    expect(gateOf(dry)["watch"]).toMatchObject({ met: false, command: 'firebreak waive watch --reason "<why>"' });
    expect(gateOf(dry)["watch"].detail).toContain("cannot catch ×2 within the 1 min window (traffic is too low for any test to tell)");

    const real = await f.cli(["ship", "--no-verify"]);
    expect(real.code, real.stdout + real.stderr).toBe(5);
    expect(real.stderr).toContain("Sampling error rate before the deploy");
    expect(real.stderr).toMatch(/The watch can catch a 2× regression: .*cannot catch ×2 within the 1 min window/);
    expect(gitIn(f.fx.origin, ["rev-parse", "main"])).toBe(before); // nothing merged
    expect(f.svc.deploys()).toEqual([]);

    const waive = await f.cli(["waive", "watch", "--reason", "one customer's data is leaking; we watch by hand"]);
    expect(waive.code, waive.stderr).toBe(0);
    const shipped = await f.cli(["ship", "--no-verify"]);
    expect(shipped.code, shipped.stdout + shipped.stderr).toBe(0);
    expect(f.svc.deploys()).toHaveLength(1);
    expect(await kindsOf(f)).toContain("watch.waived");
  });

  it("with enough traffic the item is met and says how soon ×2 would be caught", async () => {
    const { f } = await watched({ rate: 2000 });
    expect((await f.cli(["verify", "--capture-baseline"])).code).toBe(0);
    const dry = await f.cli(["ship", "--dry-run", "--json"]);
    expect(gateOf(dry)["watch"].met).toBe(true);
    expect(gateOf(dry)["watch"].detail).toMatch(/^error rate: can catch ×2 within ~[\d.]+ (s|min) of the deploy/);

    const plan = await f.cli(["verify", "--plan"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/✔ error rate: can catch ×2 within ~[\d.]+ (s|min) of the deploy.*\(baseline: captured over/);
  });
});
