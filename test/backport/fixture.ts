// A repository with a bare origin, a production branch `main`, two targets that have moved on
// (`release-candidate`, `develop`) and a hotfix branch carrying the fix.

import { makeRepo, gitIn, type GitFixture } from "../helpers/git-fixture.js";

export const AUTH = (check: string, extra = "") =>
  [
    "export function check(t) {",
    "  if (!t) return false;",
    `  ${check}`,
    "  return true;",
    "}",
    "",
    "export function a() { return 1; }",
    "export function b() { return 2; }",
    "export function c() { return 3; }",
    extra,
    "",
  ].join("\n");

export interface BackportFixture extends GitFixture {
  targets: { branch: string; short: string }[];
  /** Commits on a branch (created from `from` if missing), pushes it, and returns to `main`. */
  on(branch: string, message: string, files: Record<string, string>, from?: string): string;
  originSha(ref: string): string | null;
}

export function makeBackportRepo(): BackportFixture {
  const fx = makeRepo();
  fx.commit("feat: auth checks", { "src/auth.js": AUTH("if (t.expired) return true;") });
  fx.git("push", "-q", "origin", "main");
  const bx = fx as BackportFixture;
  bx.targets = [
    { branch: "release-candidate", short: "rc" },
    { branch: "develop", short: "develop" },
  ];
  bx.on = (branch, message, files, from = "main") => {
    const exists = (() => {
      try {
        fx.git("rev-parse", "--verify", "-q", `refs/heads/${branch}`);
        return true;
      } catch {
        return false;
      }
    })();
    fx.git("checkout", "-q", ...(exists ? [branch] : ["-b", branch, from]));
    const sha = fx.commit(message, files);
    fx.git("push", "-q", "origin", branch);
    fx.git("checkout", "-q", "main");
    return sha;
  };
  bx.originSha = (ref) => {
    try {
      return gitIn(fx.origin, ["rev-parse", "--verify", "-q", ref]);
    } catch {
      return null;
    }
  };
  // Both targets moved on since main, in files the fix does not touch.
  bx.on("release-candidate", "rc: version bump", { VERSION: "2.0.0-rc1\n" });
  bx.on("develop", "feat: new thing", { "src/new.js": "export const x = 1;\n" });
  return bx;
}
