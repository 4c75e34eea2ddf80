// The contract server's own answers must satisfy GitHub's response schemas, or tests built on it
// would pass against a GitHub that does not exist. These cover the issue and CI-state operations.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startContractServer, type ContractServer } from "../helpers/github-contract-server.js";

let gh: ContractServer;
beforeEach(async () => {
  gh = await startContractServer();
});
afterEach(async () => {
  await gh.close();
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${gh.url}/repos/acme/api${path}`, {
    method,
    headers: { authorization: "token t", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

describe("GitHub contract server: issues and CI state", () => {
  it("creates an issue and a comment on it, with schema-valid answers", async () => {
    const issue = await call("POST", "/issues", { title: "Follow-up: add an expiry test", body: "from ENG-1234" });
    expect(issue.status).toBe(201);
    expect(issue.json.title).toBe("Follow-up: add an expiry test");
    const comment = await call("POST", `/issues/${String(issue.json.number)}/comments`, { body: "Resolved in v1.4.3" });
    expect(comment.status).toBe(201);
    expect(gh.state.comments.get(Number(issue.json.number))?.[0]?.body).toBe("Resolved in v1.4.3");
    expect(gh.errors).toEqual([]);
  });

  it("refuses an issue without a title, as GitHub's schema does", async () => {
    const res = await call("POST", "/issues", { body: "no title" });
    expect(res.status).toBe(422);
    expect(gh.errors.join("\n")).toMatch(/title/);
  });

  it("reports the check runs and combined status set for a commit", async () => {
    const sha = "a".repeat(40);
    // A run still in progress has no conclusion yet: GitHub sends null.
    gh.setChecks(
      sha,
      [
        { name: "test", status: "completed", conclusion: "success" },
        { name: "lint", status: "in_progress", conclusion: null },
      ],
      [{ context: "ci/build", state: "pending" }],
    );
    const runs = await call("GET", `/commits/${sha}/check-runs`);
    expect(runs.json.total_count).toBe(2);
    const status = await call("GET", `/commits/${sha}/status`);
    expect(status.json.state).toBe("pending");
    expect(gh.errors).toEqual([]);
  });
});
