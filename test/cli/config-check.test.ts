// firebreak config check: the command every config error points to.

import { afterEach, describe, expect, it } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

let fx: GitFixture | undefined;
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

describe("firebreak config check", () => {
  it("says the file is valid, what each step uses, and which named secrets are missing, never their values", async () => {
    fx = makeRepo();
    fx.write(
      ".firebreak.yml",
      "notify:\n  webhook: { url: env:TEAM_HOOK }\n  slack: { webhook: env:SLACK_HOOK }\nbackport:\n  targets: [{ branch: develop }]\n",
    );
    const r = await firebreak(fx.work, ["config", "check"], { env: { SLACK_HOOK: "https://hooks.slack.test/T000/B000/sekrit-path-123" } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(".firebreak.yml is valid.");
    expect(r.stdout).toMatch(/backport\s+develop/);
    expect(r.stdout).toContain("typecheck: none found");
    expect(r.stdout).toMatch(/! not set\s+TEAM_HOOK\s+\(notify\.webhook\.url\)/);
    expect(r.stdout).toMatch(/✔ set\s+SLACK_HOOK/);
    expect(r.stdout).toContain("Next: export TEAM_HOOK=…");
    expect(r.stdout + r.stderr).not.toContain("sekrit-path-123");
  });

  it("lists every problem with file:line and exits 7", async () => {
    fx = makeRepo();
    fx.write(".firebreak.yml", "production:\n  branch: -x\ncalendar:\n  timeZone: Mars/Olympus\n");
    const r = await firebreak(fx.work, ["config", "check"]);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(".firebreak.yml:2:11 production.branch");
    expect(r.stderr).toContain(".firebreak.yml:4:13 calendar.timeZone");
  });

  it("without a file, says the defaults apply and points to init", async () => {
    fx = makeRepo();
    const r = await firebreak(fx.work, ["config", "check"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Next: firebreak init");
  });
});
