// The project's own commands (checks, deploys) run without the team server token: it is the
// person's key to the team's record, and a project's script has no business reading it.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";

describe("the project's commands and the team token", () => {
  let fx: GitFixture;
  beforeAll(() => {
    fx = makeRepo();
  });
  afterAll(() => fx.cleanup());

  it("a check command does not see FIREBREAK_TOKEN, and does see the rest of the environment", async () => {
    const out = join(fx.root, "seen.txt");
    const probe = `node -e "require('fs').writeFileSync('${out}', [process.env.FIREBREAK_TOKEN ?? 'none', process.env.TEAM_NAME ?? 'none'].join(' '))"`;
    fx.commit("chore: firebreak config", { ".firebreak.yml": `checks:\n  test: ${JSON.stringify(probe)}\n` });
    fx.git("push", "-q", "origin", "main");
    const started = await firebreak(fx.work, ["start", "ENG-7", "cart totals wrong", "--priority", "P2", "--no-push"]);
    expect(started.code, started.stderr).toBe(0);
    const r = await firebreak(fx.work, ["check", "--checks-only", "--only", "test"], {
      env: { FIREBREAK_TOKEN: "fbk_not_for_project_scripts_0000", TEAM_NAME: "payments" },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("none payments");
  });
});
