// With no targets configured, backport suggests the remote's own maintenance lines, in the shapes
// real projects use (koa's v2.x/v1.x, express's 4.x/5.x beside 5.0 and release-branch-diagram,
// axios's v1.x/v0.x beside release): lines with the fix's parent first, then the most recently
// moved. Real repositories with a bare origin, through the built CLI.

import { afterEach, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { gitIn, makeRepo, type GitFixture } from "../helpers/git-fixture.js";

let fx: GitFixture | undefined;
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

/** A branch of the origin cut from `from`, with one commit made at `date`. */
function line(f: GitFixture, branch: string, from: string, date: string): void {
  f.git("checkout", "-q", "-b", branch, from);
  f.write(`${branch.replace(/\//g, "_")}.txt`, `${branch}\n`);
  f.git("add", "-A");
  execAt(f, date, ["commit", "-q", "-m", `${branch}: maintenance`]);
  f.git("push", "-q", "origin", branch);
  f.git("checkout", "-q", "main");
}

function execAt(f: GitFixture, date: string, args: string[]): void {
  const prev = { a: process.env.GIT_AUTHOR_DATE, c: process.env.GIT_COMMITTER_DATE };
  process.env.GIT_AUTHOR_DATE = process.env.GIT_COMMITTER_DATE = date;
  try {
    gitIn(f.work, args);
  } finally {
    for (const [k, v] of [
      ["GIT_AUTHOR_DATE", prev.a],
      ["GIT_COMMITTER_DATE", prev.c],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The fix: one commit on a hotfix branch cut from main's tip. */
function fix(f: GitFixture): string {
  f.git("checkout", "-q", "-b", "hotfix/fix", "main");
  const sha = f.commit("fix: reject expired tokens", { "src/auth.js": "export function check(t) { return !t.expired; }\n" });
  f.git("checkout", "-q", "main");
  return sha;
}

async function suggested(f: GitFixture, sha: string): Promise<{ list: string; next: string }> {
  const r = await firebreak(f.work, ["backport", "--plan", "--commit", sha, "-t", "OPS-1"]);
  expect(r.code, r.stdout + r.stderr).toBe(2);
  return { list: /the remote has ([^)]*)\)/.exec(r.stderr)?.[1] ?? "", next: /Next: (.*)/.exec(r.stderr)?.[1] ?? "" };
}

describe("suggested backport targets", () => {
  it("koa: v2.x before the older v1.x", async () => {
    const f = (fx = makeRepo({ tag: null }));
    const early = f.git("rev-parse", "HEAD~1");
    line(f, "v1.x", early, "2019-03-01T10:00:00Z");
    line(f, "v2.x", early, "2026-10-01T10:00:00Z");
    const { list, next } = await suggested(f, fix(f));
    expect(list).toBe("v2.x, v1.x");
    const sha = f.git("rev-parse", "hotfix/fix");
    expect(next).toContain(`firebreak backport --plan --to v2.x,v1.x --commit ${sha} -t OPS-1`);
  });

  it("express: 5.x (it has the fix's parent), then 4.x, then the stale 5.0; never release-branch-diagram", async () => {
    const f = (fx = makeRepo({ tag: null }));
    const early = f.git("rev-parse", "HEAD~1");
    line(f, "5.0", early, "2018-01-01T10:00:00Z");
    line(f, "release-branch-diagram", early, "2026-11-20T10:00:00Z");
    line(f, "4.x", early, "2026-11-01T10:00:00Z");
    line(f, "5.x", "main", "2026-06-01T10:00:00Z");
    const { list } = await suggested(f, fix(f));
    expect(list).toBe("5.x, 4.x, 5.0");
  });

  it("axios: the version lines v1.x and v0.x before a plain release branch", async () => {
    const f = (fx = makeRepo({ tag: null }));
    const early = f.git("rev-parse", "HEAD~1");
    line(f, "release", early, "2026-11-25T10:00:00Z");
    line(f, "v0.x", early, "2025-01-01T10:00:00Z");
    line(f, "v1.x", early, "2026-11-01T10:00:00Z");
    line(f, "release-1.2", early, "2024-01-01T10:00:00Z");
    const { list } = await suggested(f, fix(f));
    expect(list).toBe("v1.x, v0.x, release-1.2, release");
  });
});
