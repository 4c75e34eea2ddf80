// --offline and --reason on the command line: --offline needs a reason; --reason on a command
// without one of its own goes only with --offline; check's own --reason pairs are not disturbed.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pairReasons } from "../../src/cli/commands/check.js";
import { firebreak } from "../helpers/cli.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";

describe("--offline and --reason", () => {
  let fx: GitFixture;
  beforeAll(() => {
    fx = makeRepo();
  });
  afterAll(() => fx.cleanup());

  it("refuses --offline without a reason, naming the command to type", async () => {
    const r = await firebreak(fx.work, ["ship", "--offline"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--offline needs a --reason");
    expect(r.stderr).toContain('firebreak ship --offline --reason "');
  });

  it("refuses --reason on a command that has none of its own, when --offline is not given", async () => {
    const r = await firebreak(fx.work, ["ship", "--reason", "hurry"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("firebreak ship has no --reason of its own: --reason goes with --offline.");
  });

  it("leaves check's --allow/--reason pairs as typed, skipping --offline's reason", () => {
    expect(
      pairReasons(["--offline", "--reason", "server down", "--allow", "dependencies", "--reason", "CVE-2026-1234 in jsonwebtoken"]),
    ).toEqual({ allows: [{ rule: "dependencies", reason: "CVE-2026-1234 in jsonwebtoken" }], skips: [] });
    expect(pairReasons(["--skip", "build", "--reason", "CI only", "--offline", "--reason=server down"])).toEqual({
      allows: [],
      skips: [{ name: "build", reason: "CI only" }],
    });
  });
});
