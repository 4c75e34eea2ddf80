// A remote configured relative to the repository (`git remote add origin ../origin.git`) must work
// for every step, including the offline forge's merge, which works in a folder of its own.

import { afterEach, describe, expect, it } from "vitest";
import { gitIn } from "../helpers/git-fixture.js";
import { makeShipFixture, type ShipFixture } from "../ship/fixture.js";

let f: ShipFixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

describe("a relative remote URL", () => {
  it("ships: merged and tagged on origin", async () => {
    f = await makeShipFixture();
    f.fx.git("remote", "set-url", "origin", "../origin.git");
    const r = await f.cli(["ship", "--no-verify"]);
    expect(r.code, r.stderr).toBe(0);
    expect(gitIn(f.fx.origin, ["tag", "-l", "v1.4.3"])).toBe("v1.4.3");
    expect(gitIn(f.fx.origin, ["rev-parse", "main"])).toBe(gitIn(f.fx.origin, ["rev-parse", "v1.4.3^{commit}"]));
  });
});
