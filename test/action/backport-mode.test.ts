// The Action's backport mode on a real repository with a bare origin: a merged PR labelled
// `backport <branch>` becomes one backport PR per target on the contract server, with the
// original's labels, reviewers and milestone; a conflict becomes a draft PR, never a success.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { startContractServer, type ContractServer } from "../helpers/github-contract-server.js";
import { runAction as run } from "./run-action.js";

type Json = Record<string, unknown>;
let fx: GitFixture;
let gh: ContractServer;
let runner: string;
const APP_TOKEN = "ghs_apptoken0987654321abcdef";

beforeEach(async () => {
  fx = makeRepo();
  gh = await startContractServer();
  runner = mkdtempSync(join(tmpdir(), "firebreak-runner-"));
  fx.commit("chore: firebreak config", {
    ".firebreak.yml": "backport:\n  targets:\n    - branch: release-1\n      short: r1\n    - branch: release-2\n      short: r2\n",
  });
  // release-1 takes the fix cleanly; release-2 changed the same line differently.
  fx.git("branch", "release-1");
  fx.git("switch", "-q", "-c", "release-2");
  fx.commit("release-2: its own token check", { "src/auth.js": "export function check(t) { return t.valid === true; }\n" });
  fx.git("switch", "-q", "main");
  fx.git("push", "-q", "origin", "main", "release-1", "release-2");
});
afterEach(async () => {
  await gh.close();
  fx.cleanup();
  rmSync(runner, { recursive: true, force: true });
});

/** The fix merged on main as GitHub would (a merge commit), and its PR on the contract server. */
async function mergedPr(labels: string[]): Promise<{ number: number; merge: string; event: Json }> {
  fx.git("switch", "-q", "-c", "fix/expired-tokens");
  fx.commit("fix: reject expired tokens", { "src/auth.js": "export function check(t) { return t.exp > Date.now() / 1000; }\n" });
  fx.git("switch", "-q", "main");
  fx.git("merge", "-q", "--no-ff", "-m", "Merge pull request #1 from acme/fix/expired-tokens", "fix/expired-tokens");
  const merge = fx.git("rev-parse", "HEAD");
  fx.git("push", "-q", "origin", "main");
  const r = await fetch(`${gh.url}/repos/acme/api/pulls`, {
    method: "POST",
    headers: { authorization: "token t", "content-type": "application/json" },
    body: JSON.stringify({ head: "fix/expired-tokens", base: "main", title: "Reject expired tokens", body: "" }),
  });
  const number = ((await r.json()) as { number: number }).number;
  const pr = gh.state.pulls.get(number)!;
  const user = (pr.user ?? {}) as Json;
  Object.assign(pr, {
    state: "closed",
    merged: true,
    merged_at: new Date().toISOString(),
    merge_commit_sha: merge,
    labels: labels.map((name, i) => ({
      id: 90 + i,
      node_id: `LA_${i}`,
      url: "",
      name,
      color: "ededed",
      default: false,
      description: null,
    })),
    requested_reviewers: [{ ...user, login: "dana" }],
    milestone: { ...((pr.milestone as Json | null) ?? {}), number: 3 },
  });
  gh.addReview(number, "lee", "APPROVED");
  const event = {
    action: "closed",
    number,
    pull_request: {
      number,
      state: "closed",
      merged: true,
      merge_commit_sha: merge,
      head: { ref: "fix/expired-tokens", sha: fx.git("rev-parse", "fix/expired-tokens") },
      base: { ref: "main" },
      labels: labels.map((name) => ({ name })),
    },
  };
  return { number, merge, event };
}

describe("the Action in backport mode", () => {
  it("opens a PR per labelled target with labels, reviewers and milestone copied, and reports the numbers", async () => {
    const { number, event } = await mergedPr(["backport release-1", "bug"]);
    const r = await run({ cwd: fx.work, runner, gh, token: APP_TOKEN }, { mode: "backport" }, "pull_request", event);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(gh.errors).toEqual([]);
    const opened = [...gh.state.pulls.values()].filter((p) => p.number !== number);
    expect(opened).toHaveLength(1);
    const bp = opened[0]!;
    expect((bp.base as Json).ref).toBe("release-1");
    expect(bp.draft).toBe(false);
    const labels = (bp.labels as Json[]).map((l) => l.name);
    expect(labels).toContain("bug");
    expect(labels).not.toContain("backport release-1");
    expect((bp.requested_reviewers as Json[]).map((u) => u.login).sort()).toEqual(["dana", "lee"]);
    expect((bp.milestone as Json).number).toBe(3);
    // The branch really is on the origin, with the fix on top of release-1.
    const head = String((bp.head as Json).ref);
    expect(fx.git("--git-dir", fx.origin, "show", `${head}:src/auth.js`)).toContain("t.exp > Date.now()");
    expect(JSON.parse(r.outputs.prs!)).toEqual([bp.number]);
    expect(JSON.parse(r.outputs.json!).targets).toEqual([
      expect.objectContaining({ target: "release-1", status: "done", pr: bp.number, draft: false }),
    ]);
    expect(r.outputs.result).toBe("done");
    // A merge commit: the branch's own commit is what was carried, not the merge.
    expect(JSON.parse(r.outputs.json!)).toMatchObject({ landedBy: "merge", commits: [fx.git("rev-parse", "fix/expired-tokens")] });
    const check = [...gh.state.checkRuns.values()].pop()!;
    expect(check).toMatchObject({ name: "firebreak backport", conclusion: "success" });
    // A GitHub App token was given: no warning about workflows that will not run.
    expect(r.stdout).not.toContain("default GITHUB_TOKEN");
  });

  it("turns a conflict into a draft PR with the files and commands, a backport-failed label and a failing check", async () => {
    const { event } = await mergedPr(["backport all-supported"]);
    // On pull_request_target, as docs/action.md's workflow runs it (fork PRs included).
    const r = await run({ cwd: fx.work, runner, gh }, { mode: "backport" }, "pull_request_target", event);
    expect(r.code, r.stdout + r.stderr).toBe(6);
    expect(gh.errors).toEqual([]);
    // Run with the workflow's own token: the warning is a workflow command on the run's page.
    expect(r.stdout).toContain("::warning title=firebreak backport::The backport PRs are opened with the default GITHUB_TOKEN");
    const targets = JSON.parse(r.outputs.json!).targets as Json[];
    expect(targets.map((t) => [t.target, t.status])).toEqual([
      ["release-1", "done"],
      ["release-2", "conflicted"],
    ]);
    const draft = [...gh.state.pulls.values()].find((p) => (p.base as Json).ref === "release-2")!;
    expect(draft.draft).toBe(true);
    expect(String(draft.body)).toContain("- `src/auth.js`");
    expect(String(draft.body)).toContain(`git switch ${String((draft.head as Json).ref)}`);
    expect(String(draft.body)).toContain("git push --force-with-lease origin");
    expect((draft.labels as Json[]).map((l) => l.name)).toContain("backport-failed");
    // The conflicted state is pushed with its markers, so it cannot pass as resolved.
    expect(fx.git("--git-dir", fx.origin, "show", `${String((draft.head as Json).ref)}:src/auth.js`)).toContain("<<<<<<<");
    expect(JSON.parse(r.outputs.prs!)).toHaveLength(2);
    expect(r.outputs.result).toBe("conflicted");
    expect([...gh.state.checkRuns.values()].pop()).toMatchObject({ name: "firebreak backport", conclusion: "failure" });
    expect(r.summary).toContain("| release-2 | conflicted (draft) |");
  });

  it("backports to the branch a writer names in a comment, and not for a reader", async () => {
    const { number } = await mergedPr(["bug"]);
    gh.state.permissions.set("dana", "maintain");
    const comment = (login: string) => ({
      action: "created",
      issue: { number, pull_request: { url: `${gh.url}/repos/acme/api/pulls/${number}` }, labels: [{ name: "bug" }] },
      comment: { id: 1, body: "/firebreak backport release-1", user: { login } },
    });
    const refused = await run({ cwd: fx.work, runner, gh, token: APP_TOKEN }, { mode: "backport" }, "issue_comment", comment("mallory"));
    expect(refused.code, refused.stdout + refused.stderr).toBe(0);
    expect(refused.stderr).toContain("only people with write access");
    expect(gh.state.pulls.size).toBe(1);
    const ok = await run({ cwd: fx.work, runner, gh, token: APP_TOKEN }, { mode: "backport" }, "issue_comment", comment("dana"));
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(gh.errors).toEqual([]);
    expect(JSON.parse(ok.outputs.prs!)).toHaveLength(1);
  });

  it("refuses a target name git would read as an option, and says so instead of succeeding", async () => {
    const { event } = await mergedPr(["backport --upload-pack=touch-pwned"]);
    const r = await run({ cwd: fx.work, runner, gh, token: APP_TOKEN }, { mode: "backport" }, "pull_request", event);
    expect(r.code, r.stdout + r.stderr).toBe(9);
    expect(gh.errors).toEqual([]);
    expect(JSON.parse(r.outputs.json!).targets).toEqual([
      expect.objectContaining({ target: "--upload-pack=touch-pwned", status: "failed", pr: null }),
    ]);
    expect(r.outputs.result).toBe("failed");
    expect([...gh.state.checkRuns.values()].pop()).toMatchObject({ conclusion: "failure" });
    expect(gh.state.pulls.size).toBe(1);
  });
});
