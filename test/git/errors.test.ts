import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Git } from "../../src/adapters/git/git.js";
import { mapGitError } from "../../src/adapters/git/git-errors.js";
import { EXIT, isFirebreakError, type FirebreakError } from "../../src/errors.js";
import { gitIn, makeRepo, type GitFixture } from "../helpers/git-fixture.js";

let fx: GitFixture;
let git: Git;

async function caught(call: () => Promise<unknown>): Promise<FirebreakError> {
  try {
    await call();
  } catch (e) {
    if (isFirebreakError(e)) return e;
    throw e;
  }
  throw new Error("expected a FirebreakError, but the call succeeded");
}

describe("failures from real git", () => {
  beforeEach(() => {
    fx = makeRepo();
    git = new Git(fx.work);
  });
  afterEach(() => fx.cleanup());

  it("a push behind the remote is PUSH_REJECTED with the fetch-then-status next step", async () => {
    const other = join(fx.root, "other");
    gitIn(fx.root, ["clone", "-q", fx.origin, other]);
    gitIn(other, ["commit", "-q", "--allow-empty", "-m", "teammate's fix"]);
    gitIn(other, ["push", "-q", "origin", "main"]);
    fx.commit("my fix");

    const err = await caught(() => git.pushBranch("origin", "main"));
    expect(err.code).toBe("PUSH_REJECTED");
    expect(err.next).toBe("git fetch origin && firebreak status");
    expect(err.exit).toBe(EXIT.refused);
    // Nothing was forced: origin still has the teammate's commit.
    expect(gitIn(fx.origin, ["log", "-1", "--format=%s", "main"])).toBe("teammate's fix");
  });

  it("fetching a branch the remote does not have is UNKNOWN_REMOTE_BRANCH", async () => {
    const err = await caught(() => git.fetch("origin", ["release/9"]));
    expect(err.code).toBe("UNKNOWN_REMOTE_BRANCH");
    expect(err.message).toContain("release/9");
    expect(err.next).toBe("git ls-remote --heads origin");
  });

  it("a folder outside any repository is NOT_A_REPO", async () => {
    const dir = mkdtempSync(join(tmpdir(), "firebreak-norepo-"));
    try {
      const outside = new Git(dir);
      expect(await outside.isRepo()).toBe(false);
      const err = await caught(() => outside.headSha());
      expect(err.code).toBe("NOT_A_REPO");
      expect(err.message).toContain(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("creating a branch that exists is BRANCH_EXISTS and leaves the branch where it was", async () => {
    await git.createBranch("hotfix/ENG-5", "HEAD~1");
    const before = fx.git("rev-parse", "hotfix/ENG-5");
    const err = await caught(() => git.switchCreate("hotfix/ENG-5", "HEAD"));
    expect(err.code).toBe("BRANCH_EXISTS");
    expect(fx.git("rev-parse", "hotfix/ENG-5")).toBe(before);
    expect(await git.currentBranch()).toBe("main");
  });

  it("a start point that does not exist is UNKNOWN_REVISION", async () => {
    expect((await caught(() => git.switchCreate("hotfix/ENG-6", "origin/nope"))).code).toBe("UNKNOWN_REVISION");
  });

  it("a remote that is not configured is UNKNOWN_REMOTE", async () => {
    expect((await caught(() => git.fetch("upstream"))).code).toBe("UNKNOWN_REMOTE");
  });

  it("an unreachable host is GIT_NETWORK, and the token in its URL is never shown", async () => {
    fx.git("remote", "add", "down", "https://alice:ghp_s3cretT0ken@127.0.0.1:1/acme/api.git");
    const err = await caught(() => git.fetch("down"));
    expect(err.code).toBe("GIT_NETWORK");
    expect(err.next).toContain("git ls-remote down");
    expect(JSON.stringify(err.toJSON())).not.toContain("ghp_s3cretT0ken");
  });

  describe("a server that wants a password", () => {
    let server: Server;
    let port = 0;
    beforeEach(async () => {
      server = createServer((_req, res) => {
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' });
        res.end("auth required");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const addr = server.address();
      port = typeof addr === "object" && addr ? addr.port : 0;
    });
    afterEach(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("is GIT_AUTH without a prompt, and a token in the URL stays hidden", async () => {
      // An empty credential helper list, so a helper configured on this machine cannot answer.
      writeFileSync(join(fx.work, ".git", "config"), "[credential]\n\thelper =\n", { flag: "a" });
      fx.git("remote", "add", "private", `http://bob:tok_abc123@127.0.0.1:${port}/acme/api.git`);
      const err = await caught(() => git.fetch("private"));
      expect(err.code).toBe("GIT_AUTH");
      expect(err.next).toContain("git ls-remote private");
      expect(JSON.stringify(err.toJSON())).not.toContain("tok_abc123");
    });
  });
});

describe("mapGitError on messages this machine cannot produce", () => {
  const map = (stderr: string, remote = "origin") => mapGitError({ args: ["push"], cwd: "/w", code: 128, stderr, remote });

  it.each([
    ["git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.", "GIT_AUTH"],
    ["remote: HTTP Basic: Access denied\nfatal: Authentication failed for 'https://gitlab.example/x.git/'", "GIT_AUTH"],
    ["fatal: could not read Username for 'https://github.com': terminal prompts disabled", "GIT_AUTH"],
    ["ssh: Could not resolve hostname github.com: Temporary failure in name resolution", "GIT_NETWORK"],
    ["fatal: unable to access 'https://github.com/x.git/': Could not resolve host: github.com", "GIT_NETWORK"],
    [" ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs", "PUSH_REJECTED"],
    [" ! [rejected]        main -> main (non-fast-forward)", "PUSH_REJECTED"],
    [" ! [remote rejected] main -> main (protected branch hook declined)", "PUSH_REJECTED"],
    ["fatal: a branch named 'hotfix/x' already exists", "BRANCH_EXISTS"],
    ["fatal: tag 'v1.4.3' already exists", "TAG_EXISTS"],
    ["fatal: couldn't find remote ref refs/heads/nope", "UNKNOWN_REMOTE_BRANCH"],
    ["fatal: transport 'ext' not allowed", "UNSAFE_TRANSPORT"],
    ["fatal: not a git repository (or any of the parent directories): .git", "NOT_A_REPO"],
    ["fatal: ERROR: Repository not found.", "REMOTE_REPO_MISSING"],
    ["fatal: something new went wrong\nsecond line", "GIT_FAILED"],
  ])("%s → %s", (stderr, code) => {
    const err = map(stderr);
    expect(err.code).toBe(code);
    if (code !== "GIT_FAILED") expect(err.next ?? "").not.toBe("");
  });

  it("keeps git's first lines for unknown failures, with credentials removed", () => {
    const err = map("fatal: odd failure at https://carol:pat_999@git.example/x.git\nmore detail\nhint: ignore me");
    expect(err.code).toBe("GIT_FAILED");
    expect(err.message).toContain("fatal: odd failure at https://****@git.example/x.git");
    expect(err.details).toEqual(["fatal: odd failure at https://****@git.example/x.git", "more detail"]);
    expect(JSON.stringify(err.toJSON())).not.toContain("pat_999");
  });
});
