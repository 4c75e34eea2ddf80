// The forge's CI state and merge state: GitHub check runs and commit statuses (against GitHub's
// OpenAPI description), and the offline git forge's recorded local checks and real merges.

import { afterEach, describe, expect, it } from "vitest";
import { event as body, type EventData, type EventKind } from "../../src/domain/events/index.js";
import { GitHubForge } from "../../src/adapters/forge/github.js";
import { GitForge } from "../../src/adapters/forge/git-forge.js";
import { Git } from "../../src/adapters/git/git.js";
import { Secret } from "../../src/config/secrets.js";
import { startContractServer, type ContractServer } from "../helpers/github-contract-server.js";
import { makePrFixture, type PrFixture } from "./fixture.js";
import { gitIn } from "../helpers/git-fixture.js";

const open: { server?: ContractServer; fx?: PrFixture }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.server?.close();
    await o.fx?.cleanup();
  }
});

const SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

describe("GitHub CI state", () => {
  it("reads check runs and commit statuses together: green, pending, failing, none", async () => {
    const server = await startContractServer();
    open.push({ server });
    const forge = new GitHubForge({
      owner: server.owner,
      repo: server.repo,
      token: new Secret("ghp_testtoken0123456789abcdefABCDEF0123", "env:GITHUB_TOKEN"),
      baseUrl: server.url,
      timeScale: 0.001,
      paceWrites: false,
    });
    const ref = { sha: SHA, branch: "hotfix/ENG-1234-x" };

    expect(await forge.ciState(ref)).toMatchObject({ state: "none", checks: [] });

    server.setChecks(
      SHA,
      [
        { name: "test", status: "completed", conclusion: "success" },
        { name: "lint", status: "completed", conclusion: "skipped" },
      ],
      [{ context: "ci/circleci", state: "success" }],
    );
    const green = await forge.ciState(ref);
    expect(green.state).toBe("green");
    expect(green.checks.map((c) => `${c.name}:${c.state}`)).toEqual(["test:success", "lint:success", "ci/circleci:success"]);

    // (A check run still in progress has conclusion null, which the OpenAPI subset's enum does not
    // list yet; a pending commit status is the same state for Firebreak.)
    server.setChecks(SHA, [{ name: "test", status: "completed", conclusion: "success" }], [{ context: "ci/circleci", state: "pending" }]);
    expect((await forge.ciState(ref)).state).toBe("pending");

    server.setChecks(SHA, [{ name: "test", status: "completed", conclusion: "success" }], [{ context: "deploy/preview", state: "error" }]);
    const failing = await forge.ciState(ref);
    expect(failing.state).toBe("failing");
    expect(failing.checks.find((c) => c.state === "failure")?.name).toBe("deploy/preview");

    server.setChecks(SHA, [{ name: "test", status: "completed", conclusion: "timed_out" }]);
    expect((await forge.ciState(ref)).state).toBe("failing");
    expect(server.errors).toEqual([]);
    expect(server.requests.map((r) => r.op)).toContain("checks/list-for-ref");
    expect(server.requests.map((r) => r.op)).toContain("repos/get-combined-status-for-ref");
  });
});

describe("GitHub merge state", () => {
  it("is read from the pull request: merged, with its merge commit", async () => {
    const server = await startContractServer();
    open.push({ server });
    const forge = new GitHubForge({
      owner: server.owner,
      repo: server.repo,
      token: new Secret("ghp_testtoken0123456789abcdefABCDEF0123", "env:GITHUB_TOKEN"),
      baseUrl: server.url,
      timeScale: 0.001,
      paceWrites: false,
    });
    const pr = await forge.openPullRequest({ head: "hotfix/ENG-1234-x", base: "main", title: "t", body: "b", draft: false });
    expect(await forge.mergeState(pr.number)).toEqual({ merged: false, sha: null });
    const m = await forge.mergePullRequest(pr.number, "squash");
    server.state.pulls.get(pr.number)!.merge_commit_sha = m.sha;
    expect(await forge.mergeState(pr.number)).toEqual({ merged: true, sha: m.sha });
    expect(server.errors).toEqual([]);
  });
});

describe("git forge CI and merge state", () => {
  it("CI comes from the latest recorded checks; the merge state is asked of the remote", async () => {
    const fx = await makePrFixture();
    open.push({ fx });
    const forge = new GitForge({ git: fx.git, store: fx.store, clock: fx.clock, actor: "Test Author", remote: "origin" });
    const head = gitIn(fx.fx.work, ["rev-parse", fx.incident.branch]);
    const tree = gitIn(fx.fx.work, ["rev-parse", `${head}^{tree}`]);
    const ref = { sha: head, branch: fx.incident.branch };
    expect((await forge.ciState(ref)).state).toBe("none"); // check.passed alone is one check, not the run's verdict
    const ev = <K extends EventKind>(kind: K, data: EventData<K>) =>
      fx.store.appendEvent(fx.incident.id, { at: "2026-11-27T10:05:00.000Z", actor: "t", ...body(kind, data) });
    await ev("checks.failed", { passed: ["build"], failed: ["test"] });
    expect(await forge.ciState(ref)).toMatchObject({
      state: "failing",
      checks: [
        { name: "build", state: "success" },
        { name: "test", state: "failure" },
      ],
    });
    // Checks that passed on another change do not count for this commit.
    await ev("checks.passed", { passed: ["build", "test"], failed: [], tree: "4b825dc642cb6eb9a060e54bf8d69288fbee4904" });
    expect(await forge.ciState(ref)).toMatchObject({ state: "none", staleChecks: true });
    await ev("checks.passed", { passed: ["build", "test"], failed: [], tree });
    expect((await forge.ciState(ref)).state).toBe("green");

    // A teammate's clone on the same record has never seen the commit: it fetches it from the
    // remote, and the checks recorded for its tree count there too.
    fx.fx.git("push", "-q", "origin", fx.incident.branch);
    const other = `${fx.fx.root}/teammate`;
    gitIn(fx.fx.root, ["clone", "-q", "--no-local", "--single-branch", "--branch", "main", fx.fx.origin, other]);
    expect(() => gitIn(other, ["cat-file", "-e", head])).toThrow();
    const theirs = new GitForge({ git: new Git(other), store: fx.store, clock: fx.clock, actor: "Teammate", remote: "origin" });
    expect((await theirs.ciState(ref)).state).toBe("green");

    const pr = await forge.openPullRequest({ head: fx.incident.branch, base: "main", title: "t", body: "b", draft: false });
    expect(await forge.mergeState(pr.number)).toEqual({ merged: false, sha: null });
    const merged = await forge.mergePullRequest(pr.number, "merge");
    expect(merged.sha).toBe(gitIn(fx.fx.origin, ["rev-parse", "main"]));
    expect(await forge.mergeState(pr.number)).toEqual({ merged: true, sha: merged.sha });
    // A second merge finds the first one and names its merge commit.
    expect((await forge.mergePullRequest(pr.number, "merge")).sha).toBe(merged.sha);
  });
});
