// init → commit → start: a config committed locally but not on production on the remote is never
// lost silently. start says to push it, or carries it with --carry-config (the guard leaves it out).

import { afterEach, describe, expect, it } from "vitest";
import { makeRepo, gitIn, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

let fx: GitFixture | undefined;
afterEach(() => fx?.cleanup());
const CONFIG = 'ticket:\n  pattern: "^ENG-[0-9]+$"\nchecks:\n  test: "node -e 0"\n';

describe("a .firebreak.yml committed here but not on origin", () => {
  it("init's closing line says to push it", async () => {
    fx = makeRepo();
    const r = await firebreak(fx.work, ["init"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("git push origin main");
  });

  it("start refuses, names the push and --carry-config, and starts nothing", async () => {
    fx = makeRepo();
    fx.commit("chore: firebreak config", { ".firebreak.yml": CONFIG });
    const r = await firebreak(fx.work, ["start", "ENG-1", "Broken", "--priority", "P1"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("origin/main does not have it");
    expect(r.stderr).toContain("Next: git push origin main");
    expect(r.stderr).toContain("--carry-config");
    expect(fx.git("rev-parse", "--abbrev-ref", "HEAD")).toBe("main");
    expect(fx.git("branch", "--list", "hotfix/*")).toBe("");
    expect((await firebreak(fx.work, ["list", "--json"])).json().incidents).toEqual([]);

    // Pushed as told, the same start works and the branch has the config.
    fx.git("push", "-q", "origin", "main");
    const ok = await firebreak(fx.work, ["start", "ENG-1", "Broken", "--priority", "P1"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(fx.git("show", "HEAD:.firebreak.yml")).toBe(CONFIG.trimEnd());
  });

  it("--carry-config commits it onto the hotfix branch, and the guard does not count it", async () => {
    fx = makeRepo();
    fx.commit("chore: firebreak config", { ".firebreak.yml": CONFIG });
    const r = await firebreak(fx.work, ["start", "ENG-2", "Broken", "--priority", "P1", "--carry-config"]);
    expect(r.code, r.stderr).toBe(0);
    expect(fx.git("show", "HEAD:.firebreak.yml")).toBe(CONFIG.trimEnd());
    expect(fx.git("log", "-1", "--format=%s")).toContain("Firebreak config");
    expect(gitIn(fx.origin, ["show", "hotfix/ENG-2-broken:.firebreak.yml"])).toBe(CONFIG.trimEnd());

    fx.write("src/auth.js", "export function check(t) { return t.ok === true; }\n");
    fx.write("test/auth.test.js", "// rejects a bad token\n");
    const check = await firebreak(fx.work, ["check", "--json"]);
    expect(check.code, check.stderr).toBe(0);
    const guard = check.json().guard;
    expect(guard.stats.files).toBe(1); // src/auth.js only: the carried config is not part of the fix
    expect(JSON.stringify(guard.findings)).not.toContain(".firebreak.yml");
  });
});
