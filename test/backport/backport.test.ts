import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { abortBackport, backportAll, continueBackport, planBackports, readConflictState } from "../../src/backport/engine.js";
import { pickOnto, readCommit } from "../../src/backport/pick.js";
import { AUTH, makeBackportRepo, type BackportFixture } from "./fixture.js";

// This machine's git is 2.39; the variable keeps the temporary-index path under test on newer git too.
beforeAll(() => {
  process.env.FIREBREAK_BACKPORT_FORCE_INDEX = "1";
});

let fx: BackportFixture | undefined;
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

const TICKET = "ENG-1234";

function gitAtLeast(major: number, minor: number): boolean {
  const m = /(\d+)\.(\d+)/.exec(execFileSync("git", ["version"], { encoding: "utf8" }));
  const [a, b] = [Number(m?.[1]), Number(m?.[2])];
  return a > major || (a === major && b >= minor);
}

/** A fix on a hotfix branch by another author, with a fixed date, leaving `main` checked out. */
function fixCommit(f: BackportFixture, files: Record<string, string>, message = "fix: reject expired tokens", from = "main"): string {
  const branch = "hotfix/ENG-1234-expired";
  const exists = f.git("branch", "--list", branch) !== "";
  f.git("checkout", "-q", ...(exists ? [branch] : ["-b", branch, from]));
  for (const [p, c] of Object.entries(files)) f.write(p, c);
  f.git("add", "-A");
  f.git(
    "-c",
    "user.name=Fixer",
    "commit",
    "-q",
    "-m",
    message,
    "--author=Fixer Person <fixer@example.test>",
    "--date=2024-03-01T10:00:00+02:00",
  );
  const sha = f.git("rev-parse", "HEAD");
  f.git("checkout", "-q", "main");
  return sha;
}

const run = (f: BackportFixture, fixCommits: string[], push = true, targets = f.targets) =>
  backportAll({ cwd: f.work, fixCommits, ticket: TICKET, targets, remote: "origin", push });

function userState(f: BackportFixture) {
  return {
    head: f.git("rev-parse", "HEAD"),
    branch: f.git("symbolic-ref", "HEAD"),
    status: f.git("status", "--porcelain=v1", "--untracked-files=all"),
    staged: f.git("diff", "--cached"),
    unstaged: f.git("diff"),
    index: readFileSync(join(f.work, ".git", "index")).toString("base64"),
    file: readFileSync(join(f.work, "README.md"), "utf8"),
  };
}

describe("backport", () => {
  it("backports cleanly to two targets without touching the user's checkout", async () => {
    fx = makeBackportRepo();
    const fix = fixCommit(fx, { "src/auth.js": AUTH("if (t.expired) return false;") });
    // The user is in the middle of something: a staged file, an unstaged edit, an untracked file.
    fx.write("staged.txt", "staged\n");
    fx.git("add", "staged.txt");
    fx.write("README.md", "# service\nlocal edit\n");
    fx.write("untracked.txt", "mine\n");
    const before = userState(fx);

    const results = await run(fx, [fix]);

    expect(results.map((r) => [r.target.branch, r.status, r.pushed])).toEqual([
      ["release-candidate", "done", true],
      ["develop", "done", true],
    ]);
    expect(userState(fx)).toEqual(before);
    for (const r of results) {
      expect(r.branch).toBe(`backport/${r.target.short}/hotfix-${TICKET}`);
      expect(fx.originSha(`refs/heads/${r.branch}`)).toBe(r.sha);
      expect(fx.git("rev-parse", `${r.sha}^`)).toBe(fx.git("rev-parse", `origin/${r.target.branch}`));
      expect(fx.git("log", "-1", "--format=%an <%ae> %ad", "--date=raw", r.sha as string)).toBe(
        "Fixer Person <fixer@example.test> 1709280000 +0200",
      );
      expect(fx.git("log", "-1", "--format=%B", r.sha as string)).toBe(`fix: reject expired tokens\n\n(cherry picked from commit ${fix})`);
      expect(fx.git("show", `${r.sha}:src/auth.js`)).toContain("if (t.expired) return false;");
    }
    // The target's own change is kept.
    expect(fx.git("show", `${results[0]?.sha}:VERSION`)).toBe("2.0.0-rc1");

    // A re-run makes nothing twice: the same commits, nothing new pushed.
    const again = await run(fx, [fix]);
    expect(again.map((r) => [r.status, r.sha, r.reused])).toEqual(results.map((r) => ["done", r.sha, true]));
  });

  it("keeps going when one target conflicts and reports how to resolve it", async () => {
    fx = makeBackportRepo();
    fx.on("develop", "refactor: expiry", { "src/auth.js": AUTH("if (isExpired(t)) return true;") });
    const fix = fixCommit(fx, { "src/auth.js": AUTH("if (t.expired) return false;") });

    const [rc, dev] = await run(fx, [fix]);

    expect(rc?.status).toBe("done");
    expect(fx.originSha(`refs/heads/${rc?.branch}`)).toBe(rc?.sha);
    expect(dev?.status).toBe("conflicted");
    expect(dev?.files).toEqual(["src/auth.js"]);
    expect(dev?.worktree && existsSync(dev.worktree)).toBe(true);
    expect(readFileSync(join(dev?.worktree as string, "src/auth.js"), "utf8")).toMatch(/^<<<<<<< /m);
    expect(dev?.instructions?.join("\n")).toContain("firebreak backport --continue --to develop");
    // Nothing half-done: no backport branch for the conflicted target, here or on origin.
    expect(fx.git("branch", "--list", dev?.branch as string)).toBe("");
    expect(fx.originSha(`refs/heads/${dev?.branch}`)).toBeNull();
    expect(fx.git("status", "--porcelain")).toBe("");

    // A re-run does not redo or lose the pending conflict.
    const again = await run(fx, [fix]);
    expect(again.map((r) => r.status)).toEqual(["done", "conflicted"]);
  });

  it("refuses to continue while a file still holds conflict markers, then continues once resolved", async () => {
    fx = makeBackportRepo();
    fx.on("develop", "refactor: expiry", { "src/auth.js": AUTH("if (isExpired(t)) return true;") });
    const fix = fixCommit(fx, { "src/auth.js": AUTH("if (t.expired) return false;") });
    const [, dev] = await run(fx, [fix], true, fx.targets);
    const target = fx.targets[1] as { branch: string; short: string };
    const file = join(dev?.worktree as string, "src/auth.js");

    // Half-resolved: the top marker removed, the rest left behind.
    writeFileSync(file, readFileSync(file, "utf8").replace(/^<<<<<<< .*\n/m, ""));
    await expect(continueBackport({ cwd: fx.work, target, remote: "origin", push: true })).rejects.toMatchObject({
      code: "CONFLICT_MARKERS",
    });
    expect(fx.git("branch", "--list", dev?.branch as string)).toBe("");
    expect((await readConflictState(fx.work, "develop"))?.files).toEqual(["src/auth.js"]);

    writeFileSync(file, AUTH("if (isExpired(t)) return false;"));
    const done = await continueBackport({ cwd: fx.work, target, remote: "origin", push: true });

    expect(done.status).toBe("done");
    expect(done.methods).toEqual(["resolved"]);
    expect(fx.originSha(`refs/heads/${done.branch}`)).toBe(done.sha);
    expect(fx.git("show", `${done.sha}:src/auth.js`)).toBe(AUTH("if (isExpired(t)) return false;").trimEnd());
    expect(fx.git("log", "-1", "--format=%an%n%B", done.sha as string)).toContain(
      `Fixer Person\nfix: reject expired tokens\n\n(cherry picked from commit ${fix})`,
    );
    expect(existsSync(dev?.worktree as string)).toBe(false);
    expect(await readConflictState(fx.work, "develop")).toBeNull();
  });

  it("--abort removes the worktree, its state and the branch", async () => {
    fx = makeBackportRepo();
    fx.on("develop", "refactor: expiry", { "src/auth.js": AUTH("if (isExpired(t)) return true;") });
    const fix = fixCommit(fx, { "src/auth.js": AUTH("if (t.expired) return false;") });
    const [, dev] = await run(fx, [fix], false);
    expect(fx.git("worktree", "list", "--porcelain")).toContain(dev?.worktree);

    expect(await abortBackport(fx.work, "develop")).toEqual({ removed: true });

    expect(existsSync(dev?.worktree as string)).toBe(false);
    expect(fx.git("worktree", "list", "--porcelain")).not.toContain(dev?.worktree);
    expect(await readConflictState(fx.work, "develop")).toBeNull();
    expect(fx.git("branch", "--list", "backport/*")).not.toContain("backport/develop/");
    await expect(continueBackport({ cwd: fx.work, target: fx.targets[1] as never, push: false })).rejects.toMatchObject({ code: "USAGE" });
  });

  it("falls back to the patch when the 3-way pick conflicts on re-indented context", async () => {
    fx = makeBackportRepo();
    // The target re-indented the function the fix touches: every line around the fix changed.
    const reindented = AUTH("if (t.expired) return true;").replace(/^ {2}/gm, "    ");
    fx.on("release-candidate", "style: 4-space indent", { "src/auth.js": reindented });
    const fix = fixCommit(fx, { "src/auth.js": AUTH("if (t.expired) return false;") });
    const rcTip = fx.git("rev-parse", "origin/release-candidate");

    // The plain 3-way pick conflicts…
    expect(await pickOnto(fx.work, rcTip, await readCommit(fx.work, fix))).toMatchObject({ clean: false, files: ["src/auth.js"] });
    // …and the backport still lands through the patch, and says so.
    const [rc] = await run(fx, [fix], false, [fx.targets[0] as never]);

    expect(rc?.status).toBe("done");
    expect(rc?.methods).toEqual(["patch-ignore-whitespace"]);
    const out = fx.git("show", `${rc?.sha}:src/auth.js`);
    expect(out).toContain("if (t.expired) return false;");
    expect(out).not.toContain("return true;\n  return true");
    expect(out).toContain("    if (!t) return false;"); // the target's indentation is kept around it
    expect(fx.git("worktree", "list")).not.toContain("firebreak/backport");
  });

  it("carries the fix across a rename on the target through a private worktree, then removes it", async () => {
    fx = makeBackportRepo();
    renameAuthOnDevelop(fx);
    const fix = fixCommit(fx, { "src/auth.js": AUTH("if (t.expired) return false;") });

    const [dev] = await run(fx, [fix], true, [fx.targets[1] as never]);

    expect(dev?.status).toBe("done");
    expect(dev?.methods).toEqual(["worktree-cherry-pick"]);
    expect(fx.git("show", `${dev?.sha}:src/authentication.js`)).toContain("if (t.expired) return false;");
    expect(fx.git("log", "-1", "--format=%an%n%b", dev?.sha as string)).toBe(`Fixer Person\n(cherry picked from commit ${fix})`);
    expect(fx.originSha(`refs/heads/${dev?.branch}`)).toBe(dev?.sha);
    expect(fx.git("worktree", "list")).not.toContain("firebreak/backport");
  });

  it("picks a fix made of several commits in order", async () => {
    fx = makeBackportRepo();
    const first = fixCommit(fx, { "src/auth.js": AUTH("if (t.expired) return false;") }, "fix: reject expired tokens");
    const second = fixCommit(fx, { "test/expired.test.js": "// expired tokens are refused\n" }, "test: expired tokens");
    const third = fixCommit(
      fx,
      { "src/auth.js": AUTH("if (t.expired) return false;", "export const EXPIRY = 3600;") },
      "fix: expiry constant",
    );

    const results = await run(fx, [first, second, third]);

    for (const r of results) {
      expect(r.status).toBe("done");
      expect(r.methods).toEqual(["index-3way", "index-3way", "index-3way"]);
      const log = fx
        .git("log", "--format=%s|%an|%b", `origin/${r.target.branch}..${r.sha}`)
        .split("\n")
        .filter((l) => l.includes("|"));
      expect(log).toEqual([
        "fix: expiry constant|Fixer Person|(cherry picked from commit " + third + ")",
        "test: expired tokens|Fixer Person|(cherry picked from commit " + second + ")",
        "fix: reject expired tokens|Fixer Person|(cherry picked from commit " + first + ")",
      ]);
      expect(fx.git("show", `${r.sha}:src/auth.js`)).toContain("EXPIRY = 3600");
    }
  });

  it("skips a target that already contains the fix, by history or by an equivalent patch", async () => {
    fx = makeBackportRepo();
    const fix = fixCommit(fx, { "src/auth.js": AUTH("if (t.expired) return false;") });
    // release-candidate merged the hotfix; develop got the same change cherry-picked by hand.
    fx.git("checkout", "-q", "release-candidate");
    fx.git("merge", "-q", "--no-edit", fix);
    fx.git("push", "-q", "origin", "release-candidate");
    fx.git("checkout", "-q", "develop");
    fx.git("cherry-pick", fix);
    fx.git("push", "-q", "origin", "develop");
    fx.git("checkout", "-q", "main");

    const plan = await planBackports({ cwd: fx.work, fixCommits: [fix], ticket: TICKET, targets: fx.targets, remote: "origin" });
    expect(plan.map((p) => p.status)).toEqual(["already-contains", "already-contains"]);
    const results = await run(fx, [fix]);
    expect(results.map((r) => r.status)).toEqual(["already-contains", "already-contains"]);
    expect(fx.git("branch", "--list", "backport/*")).toBe("");
    expect(fx.originSha(`refs/heads/backport/rc/hotfix-${TICKET}`)).toBeNull();
  });

  it("reports a missing target as failed and still backports the others", async () => {
    fx = makeBackportRepo();
    const fix = fixCommit(fx, { "src/auth.js": AUTH("if (t.expired) return false;") });
    const results = await run(fx, [fix], true, [{ branch: "release/9.9", short: "r99" }, ...fx.targets]);
    expect(results.map((r) => r.status)).toEqual(["failed", "done", "done"]);
    expect(results[0]?.reason).toContain("release/9.9 does not exist");
  });

  it("refuses option-looking and range-looking values before git runs", async () => {
    fx = makeBackportRepo();
    const fix = fixCommit(fx, { "src/auth.js": AUTH("if (t.expired) return false;") });
    await expect(run(fx, ["--output=/tmp/x"])).rejects.toMatchObject({ code: "UNSAFE_VALUE" });
    await expect(run(fx, [`${fix}..main`])).rejects.toMatchObject({ code: "UNSAFE_VALUE" });
    await expect(run(fx, [fix], false, [{ branch: "--delete", short: "x" }])).rejects.toMatchObject({ code: "UNSAFE_VALUE" });
    await expect(run(fx, [fix], false, [{ branch: "develop", short: "-x" }])).rejects.toMatchObject({ code: "UNSAFE_VALUE" });
  });
});

// Without the variable, git ≥ 2.38 computes the pick with merge-tree (2.38–2.39 through a throwaway
// merge base, 2.40+ with --merge-base): the same cases must behave the same.
describe.skipIf(!gitAtLeast(2, 38))("backport with git merge-tree", () => {
  beforeAll(() => {
    delete process.env.FIREBREAK_BACKPORT_FORCE_INDEX;
  });
  afterAll(() => {
    process.env.FIREBREAK_BACKPORT_FORCE_INDEX = "1";
  });

  it("picks cleanly, follows a rename, conflicts loudly and falls back on re-indented context", async () => {
    fx = makeBackportRepo();
    renameAuthOnDevelop(fx);
    fx.on("release/2.3", "style: 4-space indent", { "src/auth.js": AUTH("if (t.expired) return true;").replace(/^ {2}/gm, "    ") });
    fx.on("release/2.2", "refactor: expiry", { "src/auth.js": AUTH("if (isExpired(t)) return true;") });
    const fix = fixCommit(fx, { "src/auth.js": AUTH("if (t.expired) return false;") });
    const before = userState(fx);

    const results = await run(fx, [fix], true, [
      ...fx.targets,
      { branch: "release/2.3", short: "r23" },
      { branch: "release/2.2", short: "r22" },
    ]);

    expect(results.map((r) => [r.target.short, r.status, r.methods])).toEqual([
      ["rc", "done", ["merge-tree"]],
      ["develop", "done", ["merge-tree"]],
      ["r23", "done", ["patch-ignore-whitespace"]],
      ["r22", "conflicted", undefined],
    ]);
    expect(fx.git("show", `${results[1]?.sha}:src/authentication.js`)).toContain("if (t.expired) return false;");
    for (const r of results.slice(0, 3)) {
      expect(fx.originSha(`refs/heads/${r.branch}`)).toBe(r.sha);
      expect(fx.git("log", "-1", "--format=%an|%b", r.sha as string)).toBe(`Fixer Person|(cherry picked from commit ${fix})`);
    }
    expect(results[3]?.files).toEqual(["src/auth.js"]);
    expect(userState(fx)).toEqual(before);
  });
});

/** develop renames src/auth.js, so a pick onto it must follow the rename. */
function renameAuthOnDevelop(repo: ReturnType<typeof makeBackportRepo>): void {
  repo.git("checkout", "-q", "develop");
  repo.git("mv", "src/auth.js", "src/authentication.js");
  repo.git("commit", "-q", "-m", "refactor: rename auth");
  repo.git("push", "-q", "origin", "develop");
  repo.git("checkout", "-q", "main");
}
