// Hostile values as branch names, start points and remote names: each is refused before git can
// act on it, and the sentinel file a successful injection would create never appears.

import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Git } from "../../src/adapters/git/git.js";
import { isFirebreakError } from "../../src/errors.js";
import { gitIn, makeRepo, type GitFixture } from "../helpers/git-fixture.js";

const HOSTILE: Array<[string, string]> = [
  ["upload-pack option", "--upload-pack=touch pwned"],
  ["short option", "-f"],
  ["command substitution", "$(touch pwned)"],
  ["backticks", "`touch pwned`"],
  ["range", "a..b"],
  [".lock suffix", "x.lock"],
  ["space", "ref with space"],
  ["newline", "hotfix\nmain"],
  ["10 kB", "h".repeat(10_240)],
  ["homoglyph", "m\u0430in"],
  ["bidi override", "hotfix/\u202Egnp"],
  ["reflog expansion", "@{-1}"],
];

// Refused by Firebreak's checks, or by git with an error it understood (a revision that does not
// exist). A raw GIT_FAILED would mean git parsed the value in some way nobody planned for.
const MAPPED = new Set(["UNSAFE_VALUE", "UNKNOWN_REVISION", "UNKNOWN_REMOTE"]);

let fx: GitFixture;
let git: Git;

const dirs = () => [fx.root, fx.work, fx.origin, process.cwd(), tmpdir()];
const pwned = () => dirs().filter((d) => existsSync(join(d, "pwned")));

async function failure(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (e) {
    return isFirebreakError(e) ? e.code : `unexpected: ${String(e)}`;
  }
  return "succeeded";
}

beforeEach(() => {
  fx = makeRepo();
  git = new Git(fx.work);
  expect(pwned()).toEqual([]);
});
afterEach(() => {
  expect(pwned()).toEqual([]);
  fx.cleanup();
});

const branches = () => fx.git("for-each-ref", "--format=%(refname)", "refs/heads");
const remoteBranches = () => gitIn(fx.origin, ["for-each-ref", "--format=%(refname)", "refs/heads"]);

describe.each(HOSTILE)("%s", (_label, value) => {
  it("is refused as a branch name, and no branch appears here or on origin", async () => {
    const [before, beforeRemote] = [branches(), remoteBranches()];
    const calls = [
      () => git.switchCreate(value, "origin/main"),
      () => git.createBranch(value, "origin/main"),
      () => git.switchTo(value),
      () => git.pushBranch("origin", value),
      () => git.remoteBranchSha("origin", value),
      () => git.fetch("origin", [value]),
      () => git.createTag(value, "HEAD", "m"),
      () => git.pushTag("origin", value),
    ];
    for (const call of calls) expect(await failure(call)).toBe("UNSAFE_VALUE");
    expect(branches()).toBe(before);
    expect(remoteBranches()).toBe(beforeRemote);
    expect(await git.currentBranch()).toBe("main");
  });

  it("is refused as a start point", async () => {
    const before = branches();
    for (const call of [
      () => git.switchCreate("hotfix/ENG-9", value),
      () => git.createBranch("hotfix/ENG-9", value),
      () => git.revParse(value),
    ]) {
      expect(MAPPED).toContain(await failure(call));
    }
    // refExists answers false, or refuses; it never resolves a hostile value to something.
    const exists = await git.refExists(value).catch((e: unknown) => (isFirebreakError(e) ? e.code : e));
    expect([false, "UNSAFE_VALUE"]).toContain(exists);
    expect(branches()).toBe(before);
  });

  it("is refused as a remote name", async () => {
    const beforeRemote = remoteBranches();
    const calls = [
      () => git.fetch(value),
      () => git.pushBranch(value, "main"),
      () => git.remoteBranchSha(value, "main"),
      () => git.remoteDefaultBranch(value),
      () => git.remoteUrl(value),
    ];
    for (const call of calls) expect(MAPPED).toContain(await failure(call));
    expect(remoteBranches()).toBe(beforeRemote);
  });
});

describe("a valid value still works (so the refusals above are not refusing everything)", () => {
  it("creates, pushes and reads back hotfix/ENG-9", async () => {
    await git.switchCreate("hotfix/ENG-9", "origin/main");
    await git.pushBranch("origin", "hotfix/ENG-9");
    expect(await git.remoteBranchSha("origin", "hotfix/ENG-9")).toBe(await git.headSha());
  });
});

describe("a remote whose URL runs a command", () => {
  const EVIL = "ext::sh -c touch% pwned";

  beforeEach(() => {
    // Written straight into the config, as a hostile clone or a careless edit would leave it.
    fx.git("config", "remote.evil.url", EVIL);
    fx.git("config", "remote.evil.fetch", "+refs/heads/*:refs/remotes/evil/*");
  });

  it("is refused for fetch, push, ls-remote and default-branch lookups", async () => {
    for (const call of [
      () => git.fetch("evil"),
      () => git.fetch("evil", ["main"]),
      () => git.pushBranch("evil", "main"),
      () => git.remoteBranchSha("evil", "main"),
      () => git.remoteTagSha("evil", "v1.4.2"),
      () => git.remoteDefaultBranch("evil"),
    ]) {
      expect(await failure(call)).toBe("UNSAFE_VALUE");
    }
  });

  it("is refused when only the push URL is hostile", async () => {
    fx.git("config", "remote.origin.pushurl", EVIL);
    expect(await failure(() => git.pushBranch("origin", "main"))).toBe("UNSAFE_VALUE");
  });

  it("is refused when an insteadOf rewrite turns a plain URL into ext::", async () => {
    fx.git("config", "url.ext::sh -c touch% pwned #.insteadOf", fx.origin);
    expect(await failure(() => git.fetch("origin"))).toBe("UNSAFE_VALUE");
  });

  it("is stopped by git itself even when the URL check is bypassed through raw()", async () => {
    const r = await git.raw(["fetch", "evil"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("transport 'ext' not allowed");
    expect(await failure(() => git.git(["ls-remote", "evil"], { remote: "evil" }))).toBe("UNSAFE_TRANSPORT");
  });

  it("would really create the sentinel if ext were allowed (so the sentinel checks can fail)", () => {
    const env = { ...process.env, GIT_ALLOW_PROTOCOL: undefined, GIT_TERMINAL_PROMPT: "0" };
    try {
      execFileSync("git", ["-c", "protocol.ext.allow=always", "ls-remote", "evil"], { cwd: fx.work, env, stdio: "ignore" });
    } catch {
      // sh exits without speaking git's protocol, so git fails after the command ran
    }
    expect(pwned()).toEqual([fx.work]);
    rmSync(join(fx.work, "pwned"));
  });
});
