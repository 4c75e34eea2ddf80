// The temporary merge and release worktrees of a run killed with kill -9 are removed by the next
// run; those of a run still alive are left alone.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Git } from "../../src/adapters/git/git.js";
import { cleanStaleWorktrees } from "../../src/ship/worktree.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";

let fx: GitFixture | undefined;
const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  fx?.cleanup();
  fx = undefined;
});

const deadPid = () => Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).toString());

describe("temporary worktrees left by a killed run", () => {
  it("are removed once their process is gone; a live run's are kept", async () => {
    fx = makeRepo();
    const gone = deadPid();
    const add = (name: string) => {
      const dir = mkdtempSync(join(tmpdir(), name));
      rmSync(dir, { recursive: true });
      fx!.git("worktree", "add", "--detach", "--quiet", dir, "HEAD");
      made.push(dir);
      return dir;
    };
    const merge = add(`firebreak-merge-${gone}-`);
    const release = add(`firebreak-release-${gone}-`);
    const live = add(`firebreak-release-${process.pid}-`);
    const mine = add("someone-elses-");

    const removed = await cleanStaleWorktrees(new Git(fx.work));
    expect(removed.sort()).toEqual([merge, release].sort());
    expect(existsSync(merge) || existsSync(release)).toBe(false);
    const listed = fx
      .git("worktree", "list", "--porcelain")
      .split("\n")
      .filter((l) => l.startsWith("worktree "))
      .map((l) => l.slice(9));
    expect(listed).toHaveLength(3);
    expect(listed).toEqual(expect.arrayContaining([live, mine]));
  });
});
