// Real git repositories for tests: a bare "origin" and a clone with a few commits and a tag,
// in a temp folder that cleanup() removes.

import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { execFileSync } from "node:child_process";
import { stopSamplersIn } from "../../src/workflow/baseline-sampler.js";

export interface GitFixture {
  root: string; // temp folder holding both
  origin: string; // bare repository
  work: string; // clone with main checked out
  git(...args: string[]): string; // runs git in `work`, returns trimmed stdout
  write(path: string, content: string): void; // writes a file in `work`
  commit(message: string, files?: Record<string, string>): string; // writes files, commits all, returns sha
  cleanup(): void;
}

const ENV = {
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.test",
  GIT_COMMITTER_NAME: "Test Author",
  GIT_COMMITTER_EMAIL: "author@example.test",
  GIT_TERMINAL_PROMPT: "0",
};

export function gitIn(cwd: string, args: string[]): string {
  return execFileSync("git", args, { cwd, env: { ...process.env, ...ENV }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** A bare origin with `main` (three commits, tag v1.4.2) and a clone of it. */
export function makeRepo(opts: { branch?: string; tag?: string | null } = {}): GitFixture {
  const branch = opts.branch ?? "main";
  const root = mkdtempSync(join(tmpdir(), "firebreak-test-"));
  const origin = join(root, "origin.git");
  const work = join(root, "work");
  gitIn(root, ["init", "-q", "--bare", `--initial-branch=${branch}`, origin]);
  gitIn(root, ["init", "-q", `--initial-branch=${branch}`, work]);
  const fx: GitFixture = {
    root,
    origin,
    work,
    git: (...args) => gitIn(work, args),
    write(path, content) {
      const full = join(work, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    },
    commit(message, files = {}) {
      for (const [p, c] of Object.entries(files)) fx.write(p, c);
      gitIn(work, ["add", "-A"]);
      gitIn(work, ["commit", "-q", "--allow-empty", "-m", message]);
      return gitIn(work, ["rev-parse", "HEAD"]);
    },
    cleanup: () => {
      // A background baseline sampler (started by `firebreak pr`) stops with its repository.
      stopSamplersIn(join(work, ".git"));
      rmSync(root, { recursive: true, force: true });
    },
  };
  gitIn(work, ["config", "user.name", ENV.GIT_AUTHOR_NAME]);
  gitIn(work, ["config", "user.email", ENV.GIT_AUTHOR_EMAIL]);
  fx.commit("initial", { "README.md": "# service\n", "src/app.js": "export const ok = true;\n" });
  fx.commit("feat: tokens", { "src/auth.js": "export function check(t) { return true; }\n" });
  fx.commit("test: auth", { "test/auth.test.js": "// tests\n" });
  if (opts.tag !== null) gitIn(work, ["tag", "-a", opts.tag ?? "v1.4.2", "-m", "release"]);
  gitIn(work, ["remote", "add", "origin", origin]);
  gitIn(work, ["push", "-q", "--follow-tags", "origin", branch]);
  gitIn(work, ["remote", "set-head", "origin", branch]);
  return fx;
}
