import { afterEach, describe, expect, it } from "vitest";
import type { GitFixture } from "../helpers/git-fixture.js";
import { readChangeSet } from "../../src/guard/read-diff.js";
import { parsePatch, unquoteGitPath } from "../../src/guard/parse-diff.js";
import { hotfixRepo } from "./fixture.js";
import { symlinkSync, rmSync } from "node:fs";
import { join } from "node:path";

let fx: GitFixture | undefined;
afterEach(() => fx?.cleanup());

describe("readChangeSet", () => {
  it("reads committed, staged, working-tree and untracked changes together, ignoring ignored files", async () => {
    fx = hotfixRepo();
    fx.commit("committed", { "src/one.js": "1\n" });
    fx.write("src/two.js", "2\n");
    fx.git("add", "src/two.js");
    fx.write("src/three.js", "3\n"); // untracked
    fx.write(".gitignore", "dist/\n");
    fx.write("dist/bundle.js", "ignored\n");
    const cs = await readChangeSet(join(fx.work, "src"), "origin/main"); // from a subfolder
    expect(cs.files.map((f) => [f.path, f.status])).toEqual([
      [".gitignore", "untracked"],
      ["src/auth.js", "modified"],
      ["src/one.js", "added"],
      ["src/three.js", "untracked"],
      ["src/two.js", "added"],
      ["test/auth.test.js", "modified"],
    ]);
    expect(cs.files.find((f) => f.path === "test/auth.test.js")?.isTest).toBe(true);
    expect(cs.mergeBase).toBe(fx.git("rev-parse", "origin/main"));
  });

  it("handles names with spaces, quotes, tabs and non-ASCII, and a file turned into a symlink", async () => {
    fx = hotfixRepo({ 'src/we ird\t"ñ".js': "a\n", "src/link.js": "x\n" });
    fx.write('src/we ird\t"ñ".js', "b\n");
    rmSync(join(fx.work, "src/link.js"));
    symlinkSync("auth.js", join(fx.work, "src/link.js"));
    const cs = await readChangeSet(fx.work, "origin/main");
    const weird = cs.files.find((f) => f.path === 'src/we ird\t"ñ".js');
    expect(weird).toMatchObject({ added: 1, deleted: 1, addedLines: ["b"] });
    expect(cs.files.find((f) => f.path === "src/link.js")?.status).toBe("type-changed");
  });

  it("refuses a base that git could read as an option, and reports an unknown base", async () => {
    fx = hotfixRepo();
    await expect(readChangeSet(fx.work, "--output=/tmp/x")).rejects.toMatchObject({ code: "UNSAFE_VALUE" });
    await expect(readChangeSet(fx.work, "origin/nope")).rejects.toMatchObject({ code: "GIT_FAILED" });
  });
});

describe("parsePatch", () => {
  it("reads hunks by their counts, so content that looks like a header is kept", () => {
    const patch = [
      "diff --git a/x b/x",
      "--- a/x",
      "+++ b/x",
      "@@ -1,2 +1 @@",
      "--- not a header",
      "-diff --git a/y b/y",
      "++++ b/z",
      "\\ No newline at end of file",
      "",
    ].join("\n");
    expect(parsePatch(patch).get("x")).toEqual([
      { oldStart: 1, oldCount: 2, newStart: 1, newCount: 1, removed: ["-- not a header", "diff --git a/y b/y"], added: ["+++ b/z"] },
    ]);
  });
  it("unquotes git's C-style names", () => {
    expect(unquoteGitPath('"b/a\\tb\\"\\303\\261"')).toBe('b/a\tb"ñ');
    expect(unquoteGitPath("b/with space\t")).toBe("b/with space");
  });
});
