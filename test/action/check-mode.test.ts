// The Action's check mode, run as GitHub runs it: the bundled CLI started by action.yml's entry,
// with an event file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, on a real repository, reporting
// to the GitHub contract server.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";
import { startContractServer, type ContractServer } from "../helpers/github-contract-server.js";
import { runAction as run } from "./run-action.js";

let fx: GitFixture;
let gh: ContractServer;
let runner: string;
const runAction = (inputs: Record<string, string>, eventName: string, payload: unknown) =>
  run({ cwd: fx.work, runner, gh }, inputs, eventName, payload);
const BRANCH = "hotfix/ENG-1234-expired-tokens-accepted";

beforeEach(async () => {
  fx = makeRepo();
  gh = await startContractServer();
  runner = mkdtempSync(join(tmpdir(), "firebreak-runner-"));
  fx.commit("chore: firebreak config", { ".firebreak.yml": 'checks:\n  test: "node -e 0"\n' });
  fx.git("push", "-q", "origin", "main");
  const r = await firebreak(fx.work, ["start", "ENG-1234", "Expired tokens accepted", "--priority", "P1", "--no-push"]);
  expect(r.code, r.stderr).toBe(0);
});
afterEach(async () => {
  await gh.close();
  fx.cleanup();
  rmSync(runner, { recursive: true, force: true });
});

function pullRequestEvent(action: string, headSha: string) {
  return {
    action,
    number: 1,
    pull_request: {
      number: 1,
      state: "open",
      merged: false,
      head: { ref: BRANCH, sha: headSha },
      base: { ref: "main" },
      labels: [],
    },
    repository: { full_name: `${gh.owner}/${gh.repo}` },
  };
}

function writeFix(binaries: number) {
  fx.write("src/auth.js", "export function check(t) {\n  // ENG-1234: compare exp with now\n  return t.exp > Date.now() / 1000;\n}\n");
  fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\n');
  for (let i = 0; i < binaries; i++) fx.write(`assets/icon-${i}.bin`, `\u0000\u0001binary ${i}\u0000`);
}

describe("the Action in check mode", () => {
  it("reports a block as a failing check run with one annotation per finding, sent 50 at most per request", async () => {
    writeFix(60);
    const branch = fx.git("rev-parse", "--abbrev-ref", "HEAD");
    expect(branch).toBe(BRANCH);
    const sha = fx.commit("fix: compare exp");
    const r = await runAction({ mode: "check" }, "pull_request", pullRequestEvent("synchronize", sha));
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(gh.errors).toEqual([]);
    const runs = [...gh.state.checkRuns.values()];
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run).toMatchObject({ name: "firebreak guard", head_sha: sha, status: "completed", conclusion: "failure" });
    // 60 binary files and the other findings on files: more than one request's worth. GitHub's
    // schema (maxItems 50, enforced by the contract server) refuses a request with more.
    expect(run.annotations.filter((a) => a.title === "firebreak guard: binary")).toHaveLength(60);
    expect(run.annotations.length).toBeGreaterThan(50);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ path: "assets/icon-0.bin", annotation_level: "failure", start_line: 1, end_line: 1 }),
    );
    const calls = gh.requests.filter((q) => q.op.startsWith("checks/"));
    expect(calls.map((q) => q.op)).toEqual(["checks/create", "checks/update"]);
    // The token went only in the Authorization header, and never into the log.
    expect(calls.every((q) => q.authorization === "token ghs_workflowtoken1234567890")).toBe(true);
    expect(r.stdout + r.stderr).not.toContain("ghs_workflowtoken1234567890");
    expect(r.outputs.result).toBe("blocked");
    expect(r.outputs["check-run-id"]).toBe(String(run.id));
    expect(JSON.parse(r.outputs.json!)).toMatchObject({ mode: "check", ticket: "ENG-1234", pr: 1, blocked: true });
    expect(r.summary).toContain("| block | binary | assets/icon-0.bin |");
    expect(r.summary).toContain("/firebreak allow <rule> <reason>");
  });

  it("takes an override from a writer's comment, records it, and ignores one from a reader", async () => {
    writeFix(1);
    const sha = fx.commit("fix: compare exp");
    gh.state.permissions.set("dana", "write");
    gh.state.permissions.set("mallory", "read");
    gh.addComment(1, "mallory", "/firebreak allow regression-test not needed");
    gh.addComment(1, "dana", "Looked at it.\n/firebreak allow binary the icon the fix shows, from the design team\nthanks");
    const r = await runAction({ mode: "check" }, "issue_comment", {
      action: "created",
      issue: { number: 1, pull_request: { url: `${gh.url}/repos/acme/api/pulls/1` }, labels: [] },
      comment: { id: 7, body: "/firebreak allow binary the icon", user: { login: "dana" } },
    }).catch((e) => e);
    // A comment's payload has no head: the action asks the forge, so the PR must exist there.
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
    gh.state.pulls.clear();

    // The same with the PR on the forge.
    const open = await fetch(`${gh.url}/repos/acme/api/pulls`, {
      method: "POST",
      headers: { authorization: "token t", "content-type": "application/json" },
      body: JSON.stringify({ head: BRANCH, base: "main", title: "fix", body: "" }),
    });
    expect(open.status).toBe(201);
    const pr = gh.state.pulls.get(((await open.json()) as { number: number }).number)!;
    (pr.head as Record<string, unknown>).sha = sha;
    const n = pr.number as number;
    gh.addComment(n, "mallory", "/firebreak allow regression-test not needed");
    gh.addComment(n, "dana", "Looked at it.\n/firebreak allow binary the icon the fix shows, from the design team\nthanks");
    const ok = await runAction({ mode: "check" }, "issue_comment", {
      action: "created",
      issue: { number: n, pull_request: { url: `${gh.url}/repos/acme/api/pulls/${n}` }, labels: [] },
      comment: { id: 7, body: "/firebreak allow binary the icon", user: { login: "dana" } },
    });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(gh.errors).toEqual([]);
    const run = [...gh.state.checkRuns.values()].pop()!;
    expect(run).toMatchObject({ conclusion: "success", head_sha: sha });
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ annotation_level: "notice", path: "assets/icon-0.bin", title: "firebreak guard: binary (allowed)" }),
    );
    expect(ok.summary).toContain("Override of **binary** recorded");
    expect(ok.summary).toContain("@mallory");
    expect(ok.outputs.result).toBe("passed");
    const log = (await firebreak(fx.work, ["log", "--json"])).json();
    const allowed = log.events.find((e: { kind: string }) => e.kind === "guard.allowed");
    expect(allowed.data).toMatchObject({ rule: "binary", reason: `the icon the fix shows, from the design team (@dana on PR #${n})` });
  });

  it("runs the checks after the guard when asked, and fails the check run when one fails", async () => {
    writeFix(0);
    fx.commit("chore: a failing test command", { ".firebreak.yml": 'checks:\n  test: "node -e process.exit(3)"\n' });
    const sha = fx.git("rev-parse", "HEAD");
    const r = await runAction({ mode: "check", "run-checks": "true" }, "pull_request", pullRequestEvent("synchronize", sha));
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(gh.errors).toEqual([]);
    const run = [...gh.state.checkRuns.values()].pop()!;
    expect(run).toMatchObject({ conclusion: "failure", head_sha: sha });
    expect((run.output as Record<string, unknown>).title).toBe("The checks did not pass");
    expect(r.summary).toContain("Checks: did not pass (passed: none; failed: test)");
  });
});
