// `firebreak pr` before any fix commit: nothing to review, so nothing is pushed or opened.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, gitIn, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";
import { connect } from "../mcp/client.js";

let fx: GitFixture;
const BRANCH = "hotfix/ENG-11-expired-tokens-accepted";

beforeEach(async () => {
  fx = makeRepo();
  fx.commit("chore: config", { ".firebreak.yml": 'checks:\n  test: "node -e 0"\n' });
  fx.git("push", "-q", "origin", "main");
  expect((await firebreak(fx.work, ["start", "ENG-11", "Expired tokens accepted", "--priority", "P1"])).code).toBe(0);
});
afterEach(() => fx.cleanup());

describe("firebreak pr without a fix commit", () => {
  it("refuses, names the commit command, and opens nothing", async () => {
    const r = await firebreak(fx.work, ["pr"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("no fix commit");
    expect(r.stderr).toContain('git add -A && firebreak commit --what "');
    expect(r.stdout + r.stderr).not.toContain("Opened");
    const status = await firebreak(fx.work, ["status"]);
    expect(status.stdout).toContain("· Pull request opened");
    expect(status.stdout).not.toContain("✔ Pull request opened");
  });

  it("refuses after a failed firebreak commit too (nothing staged)", async () => {
    const c = await firebreak(fx.work, ["commit", "--what", "expired tokens got 200", "--root-cause", "exp never compared"]);
    expect(c.code).not.toBe(0);
    const r = await firebreak(fx.work, ["pr", "--json"]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("NO_FIX_COMMIT");
  });

  it("the agent's fix_pr_plan tool gets the same refusal (it is the same plan)", async () => {
    const s = await connect(fx.work, ["--allow", "fix"]);
    try {
      const planned = await s.call("fix_pr_plan", {});
      expect(planned.isError).toBe(true);
      const text = planned.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
      expect(text).toContain("NO_FIX_COMMIT");
      expect(text).toContain("firebreak commit --what");
    } finally {
      await s.close();
    }
  });

  it("opens the PR once the fix is committed", async () => {
    fx.write("src/auth.js", "export const check = (t) => t.exp > Date.now() / 1000;\n");
    fx.git("add", "-A");
    expect((await firebreak(fx.work, ["commit", "--what", "expired tokens got 200", "--root-cause", "exp never compared"])).code).toBe(0);
    const r = await firebreak(fx.work, ["pr"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Opened the pull request record #1");
    expect(gitIn(fx.origin, ["rev-parse", BRANCH])).toBe(fx.git("rev-parse", "HEAD"));
  });
});
