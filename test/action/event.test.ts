// The payload shapes GitHub sends, and the slash commands read from PR comments.

import { describe, expect, it } from "vitest";
import { allowCommands } from "../../src/action/commands.js";
import { backportCommands } from "../../src/backport/requests.js";
import { commentOf, pullOf } from "../../src/action/event.js";
import { inputOf } from "../../src/action/environment.js";

describe("events", () => {
  it("reads the PR of a pull_request event, a labeled one included", () => {
    const payload = {
      action: "labeled",
      label: { name: "backport release-1" },
      pull_request: {
        number: 42,
        merged: true,
        head: { ref: "hotfix/ENG-1", sha: "a".repeat(40) },
        base: { ref: "main" },
        labels: [{ name: "backport release-1" }, { name: "bug" }],
      },
    };
    expect(pullOf("pull_request", payload)).toEqual({
      number: 42,
      headRef: "hotfix/ENG-1",
      headSha: "a".repeat(40),
      baseRef: "main",
      merged: true,
      labels: ["backport release-1", "bug"],
      fromFork: null,
    });
  });

  it("tells a fork's PR from one of the repository itself", () => {
    const pr = (head: unknown) => ({
      pull_request: {
        number: 3,
        head: { ref: "fix", sha: "b".repeat(40), repo: head },
        base: { ref: "main", repo: { full_name: "acme/api" } },
      },
    });
    expect(pullOf("pull_request", pr({ full_name: "mallory/api", fork: true }))?.fromFork).toBe(true);
    expect(pullOf("pull_request", pr({ full_name: "acme/api", fork: false }))?.fromFork).toBe(false);
    // The fork was deleted after the PR was opened: GitHub sends head.repo null.
    expect(pullOf("pull_request", pr(null))?.fromFork).toBe(true);
  });

  it("reads a comment on a PR, and nothing from a comment on an issue", () => {
    const onPr = {
      issue: { number: 7, pull_request: { url: "x" }, labels: [] },
      comment: { body: "/firebreak backport r1", user: { login: "dana" } },
    };
    expect(pullOf("issue_comment", onPr)).toMatchObject({ number: 7, headRef: null, headSha: null });
    expect(commentOf("issue_comment", onPr)).toEqual({ author: "dana", body: "/firebreak backport r1" });
    expect(pullOf("issue_comment", { issue: { number: 8 }, comment: { body: "", user: { login: "x" } } })).toBeNull();
    expect(pullOf("push", {})).toBeNull();
  });

  it("reads the PR of a review and of a finished CI run", () => {
    const pr = { number: 5, head: { ref: "hotfix/x", sha: "c".repeat(40) }, base: { ref: "main" } };
    expect(pullOf("pull_request_review", { review: { state: "approved" }, pull_request: { ...pr, labels: [] } })).toMatchObject({
      number: 5,
      headRef: "hotfix/x",
    });
    expect(pullOf("workflow_run", { workflow_run: { conclusion: "success", pull_requests: [pr] } })).toMatchObject({
      number: 5,
      headSha: "c".repeat(40),
    });
    expect(pullOf("workflow_run", { workflow_run: { pull_requests: [] } })).toBeNull();
  });
});

describe("slash commands", () => {
  it("reads one /firebreak allow per line, with its reason", () => {
    const found = allowCommands([
      { id: 1, author: "dana", createdAt: "", body: "LGTM\n/firebreak allow dependencies CVE-2026-1 in jwt \n/firebreak allow size" },
      { id: 2, author: "lee", createdAt: "", body: "please /firebreak allow binary inline does not count" },
    ]);
    expect(found).toEqual([
      { rule: "dependencies", reason: "CVE-2026-1 in jwt", by: "dana", commentId: 1 },
      { rule: "size", reason: "", by: "dana", commentId: 1 },
    ]);
  });

  it("reads backport targets and refuses anything that is not one branch name", () => {
    expect(backportCommands("/firebreak backport release-1\r\n/firebreak backport rel 2\n/firebreak backport $(rm -rf)")).toEqual([
      "release-1",
    ]);
  });

  it("reads inputs as the runner names them", () => {
    expect(inputOf({ "INPUT_RUN-CHECKS": " true " }, "run-checks")).toBe("true");
    expect(inputOf({}, "mode")).toBe("");
  });
});
