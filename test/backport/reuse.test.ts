// A branch a person resolved (its patch differs from the fix's) is still that fix's backport: a
// re-run, without any journal, reuses it locally or from the remote instead of refusing it.

import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { backportAll, continueBackport } from "../../src/backport/engine.js";
import { carries } from "../../src/backport/plan.js";
import { AUTH, makeBackportRepo, type BackportFixture } from "./fixture.js";

beforeAll(() => {
  process.env.FIREBREAK_BACKPORT_FORCE_INDEX = "1";
});

let fx: BackportFixture | undefined;
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

describe("reusing a resolved backport", () => {
  it("recognises the resolution by its cherry-picked line, locally and on the remote", async () => {
    fx = makeBackportRepo();
    fx.on("develop", "refactor: expiry", { "src/auth.js": AUTH("if (isExpired(t)) return true;") });
    fx.git("checkout", "-q", "-b", "hotfix/ENG-1234-x");
    const fix = fx.commit("fix: reject expired tokens", { "src/auth.js": AUTH("if (t.expired) return false;") });
    fx.git("checkout", "-q", "main");
    const target = fx.targets[1] as { branch: string; short: string };
    const run = () =>
      backportAll({ cwd: fx!.work, fixCommits: [fix], ticket: "ENG-1234", targets: [target], remote: "origin", push: true });

    const [conflicted] = await run();
    expect(conflicted?.status).toBe("conflicted");
    writeFileSync(join(conflicted?.worktree as string, "src/auth.js"), AUTH("if (isExpired(t)) return false;"));
    expect(readFileSync(join(conflicted?.worktree as string, "src/auth.js"), "utf8")).not.toContain("<<<<<<<");
    const resolved = await continueBackport({ cwd: fx.work, target, remote: "origin", push: true });
    expect(resolved.status).toBe("done");
    const tip = fx.git("rev-parse", "origin/develop");
    expect(await carries(fx.work, resolved.sha as string, [fix], tip)).toBe(true);
    expect(await carries(fx.work, tip, [fix], tip)).toBe(false);

    // Local branch present: reused, nothing refused.
    const [again] = await run();
    expect(again).toMatchObject({ status: "done", sha: resolved.sha, reused: true, pushed: true });

    // Local branch gone: fetched back from the remote and reused.
    fx.git("branch", "-q", "-D", resolved.branch);
    const [fromRemote] = await run();
    expect(fromRemote).toMatchObject({ status: "done", sha: resolved.sha, reused: true });
  });
});
