// Every git call goes through the Git adapter, so the protections it gives one command it gives
// all: `firebreak init`'s detection, the config loader and the guard's diff reader included.

import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectProject } from "../../src/config/detect.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";

let fx: GitFixture | undefined;

afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

describe("the one git path", () => {
  it("keeps init's detection from running a command named in a remote's URL, even where the repository allows ext::", async () => {
    fx = makeRepo();
    // A hostile clone: origin runs a command, its HEAD is not known locally (so detection asks the
    // remote), and the repository's own config allows the ext transport.
    fx.git("remote", "set-url", "origin", "ext::sh -c touch% pwned");
    fx.git("config", "protocol.ext.allow", "always");
    rmSync(join(fx.work, ".git", "refs", "remotes", "origin", "HEAD"), { force: true });
    const d = await detectProject(fx.work);
    expect(existsSync(join(fx.work, "pwned"))).toBe(false);
    expect(d.productionBranch).toBe("main");
  });
});
