import { realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Git } from "../../src/adapters/git/git.js";
import { gitIn, makeRepo, type GitFixture } from "../helpers/git-fixture.js";

let fx: GitFixture;
let git: Git;

beforeEach(() => {
  fx = makeRepo();
  git = new Git(fx.work);
});
afterEach(() => fx.cleanup());

/** A second clone of origin, as a teammate's checkout. */
function teammate(): { dir: string; commit(msg: string, branch?: string): string } {
  const dir = join(fx.root, "other");
  gitIn(fx.root, ["clone", "-q", fx.origin, dir]);
  gitIn(dir, ["config", "user.name", "Teammate"]);
  gitIn(dir, ["config", "user.email", "t@example.test"]);
  return {
    dir,
    commit(msg, branch = "main") {
      writeFileSync(join(dir, `${msg.replace(/\W/g, "_")}.txt`), msg);
      gitIn(dir, ["add", "-A"]);
      gitIn(dir, ["commit", "-q", "-m", msg]);
      gitIn(dir, ["push", "-q", "origin", `HEAD:refs/heads/${branch}`]);
      return gitIn(dir, ["rev-parse", "HEAD"]);
    },
  };
}

describe("repository facts", () => {
  it("knows it is in a repository, where its top level and shared .git are", async () => {
    expect(await git.isRepo()).toBe(true);
    expect(await git.topLevel()).toBe(realpathSync(fx.work));
    expect(realpathSync(await git.commonDir())).toBe(realpathSync(join(fx.work, ".git")));
    expect(await new Git(fx.origin).isRepo()).toBe(false); // bare: no work tree to branch in
  });

  it("reads the current branch, HEAD, user name and remotes", async () => {
    expect(await git.currentBranch()).toBe("main");
    expect(await git.headSha()).toBe(fx.git("rev-parse", "HEAD"));
    expect(await git.userName()).toBe("Test Author");
    expect(await git.remotes()).toEqual(["origin"]);
    expect(await git.remoteUrl("origin")).toBe(fx.origin);
    fx.git("switch", "-q", "--detach", "HEAD~1");
    expect(await git.currentBranch()).toBeNull();
  });
});

describe("statusPorcelain", () => {
  it("is empty on a clean tree", async () => {
    expect(await git.statusPorcelain()).toEqual([]);
  });

  it("lists modified, staged, renamed and untracked files, including ones in new folders", async () => {
    fx.write("README.md", "# changed\n");
    fx.write("notes/todo.txt", "untracked\n");
    fx.write("name with space.txt", "untracked\n");
    fx.git("mv", "src/app.js", "src/main.js");
    const files = await git.statusPorcelain();
    expect(files.sort()).toEqual(["README.md", "name with space.txt", "notes/todo.txt", "src/main.js"]);
  });

  it("does not count ignored files", async () => {
    fx.commit("ignore", { ".gitignore": "dist/\n" });
    fx.write("dist/bundle.js", "x");
    expect(await git.statusPorcelain()).toEqual([]);
  });
});

describe("remotes over the network", () => {
  it("finds the remote default branch locally, then by asking the remote", async () => {
    expect(await git.remoteDefaultBranch("origin")).toBe("main");
    fx.git("remote", "set-head", "origin", "--delete");
    expect(await git.remoteDefaultBranch("origin")).toBe("main");
  });

  it("returns null when the remote has no default branch", async () => {
    gitIn(fx.root, ["init", "-q", "--bare", "empty.git"]);
    fx.git("remote", "add", "empty", join(fx.root, "empty.git"));
    expect(await git.remoteDefaultBranch("empty")).toBeNull();
  });

  it("fetches what a teammate pushed, all branches or only the ones asked for", async () => {
    const mate = teammate();
    const sha = mate.commit("release two", "release/2");
    expect(await git.refExists("origin/release/2")).toBe(false);
    await git.fetch("origin", ["release/2"]);
    expect(await git.revParse("origin/release/2")).toBe(sha);

    const sha3 = mate.commit("release three", "release/3");
    await git.fetch("origin");
    expect(await git.revParse("origin/release/3")).toBe(sha3);
  });

  it("sees a branch on the remote only after it is pushed", async () => {
    expect(await git.remoteBranchSha("origin", "hotfix/ENG-1-login")).toBeNull();
    await git.switchCreate("hotfix/ENG-1-login", "origin/main");
    const sha = fx.commit("fix: login");
    await git.pushBranch("origin", "hotfix/ENG-1-login");
    expect(await git.remoteBranchSha("origin", "hotfix/ENG-1-login")).toBe(sha);
    expect(await git.remoteBranchSha("origin", "main")).toBe(fx.git("rev-parse", "origin/main"));
  });
});

describe("branches", () => {
  it("switchCreate starts from origin/main without tracking it", async () => {
    fx.commit("local only work");
    await git.switchCreate("hotfix/ENG-2", "origin/main");
    expect(await git.currentBranch()).toBe("hotfix/ENG-2");
    expect(await git.headSha()).toBe(fx.git("rev-parse", "origin/main"));
    expect(() => fx.git("config", "--get", "branch.hotfix/ENG-2.merge")).toThrow();
  });

  it("createBranch then switchTo", async () => {
    await git.createBranch("hotfix/ENG-3", "v1.4.2");
    expect(await git.currentBranch()).toBe("main");
    await git.switchTo("hotfix/ENG-3");
    expect(await git.currentBranch()).toBe("hotfix/ENG-3");
    expect(await git.headSha()).toBe(fx.git("rev-parse", "v1.4.2^{commit}"));
  });

  it("tells whether a commit is already in another", async () => {
    expect(await git.isAncestor("HEAD~1", "HEAD")).toBe(true);
    expect(await git.isAncestor("HEAD", "HEAD~1")).toBe(false);
  });
});

describe("tags", () => {
  it("lists tags highest version first", async () => {
    expect(await git.tags()).toEqual(["v1.4.2"]);
    fx.git("tag", "v1.10.0");
    fx.git("tag", "v1.9.1");
    expect(await git.tags()).toEqual(["v1.10.0", "v1.9.1", "v1.4.2"]);
  });

  it("creates an annotated tag, pushes it, and reads the commit it points at on the remote", async () => {
    const head = await git.headSha();
    expect(await git.remoteTagSha("origin", "v1.4.3")).toBeNull();
    await git.createTag("v1.4.3", "HEAD", "--hotfix ENG-1\n\n$(not run)");
    expect(fx.git("tag", "-l", "--format=%(contents:subject)", "v1.4.3")).toBe("--hotfix ENG-1");
    await git.pushTag("origin", "v1.4.3");
    expect(await git.remoteTagSha("origin", "v1.4.3")).toBe(head);
    expect(await git.remoteTagSha("origin", "v1.4.2")).toBe(fx.git("rev-parse", "v1.4.2^{commit}"));
  });
});
