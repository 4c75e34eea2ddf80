// Check runs against GitHub's contract: at most 50 annotations a request (a 51st is refused), so
// the forge sends the rest in updates and concludes only with the last.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubForge } from "../../src/adapters/forge/github.js";
import { Secret } from "../../src/config/secrets.js";
import { startContractServer, type ContractServer } from "../helpers/github-contract-server.js";

let gh: ContractServer;
beforeEach(async () => {
  gh = await startContractServer();
});
afterEach(() => gh.close());

const forge = () =>
  new GitHubForge({ owner: "acme", repo: "api", token: new Secret("ghs_t", "test"), baseUrl: gh.url, paceWrites: false, timeScale: 0.01 });
const annotations = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ path: `src/f${i}.ts`, line: 1, level: "warning" as const, title: "t", message: `m${i}` }));

describe("check runs on the contract server", () => {
  it("refuses a request with 51 annotations, as GitHub does", async () => {
    const r = await fetch(`${gh.url}/repos/acme/api/check-runs`, {
      method: "POST",
      headers: { authorization: "token t", "content-type": "application/json" },
      body: JSON.stringify({
        name: "x",
        head_sha: "a".repeat(40),
        output: {
          title: "t",
          summary: "s",
          annotations: annotations(51).map((a) => ({
            path: a.path,
            start_line: 1,
            end_line: 1,
            annotation_level: "warning",
            message: a.message,
          })),
        },
      }),
    });
    expect(r.status).toBe(422);
    expect(gh.errors.join("\n")).toContain("checks/create");
  });

  it("sends 120 annotations in three requests and concludes with the last", async () => {
    const run = await forge().publishCheckRun({
      name: "firebreak guard",
      headSha: "b".repeat(40),
      conclusion: "failure",
      title: "Blocked",
      summary: "| a | b |",
      annotations: annotations(120),
    });
    expect(gh.errors).toEqual([]);
    expect(run.requests).toBe(3);
    expect(gh.requests.filter((q) => q.op.startsWith("checks/")).map((q) => q.op)).toEqual([
      "checks/create",
      "checks/update",
      "checks/update",
    ]);
    const stored = gh.state.checkRuns.get(run.id)!;
    expect(stored.annotations.map((a) => a.message)).toEqual(annotations(120).map((a) => a.message));
    expect(stored).toMatchObject({ status: "completed", conclusion: "failure" });
  });

  it("creates a run with no annotation in one request, completed", async () => {
    const run = await forge().publishCheckRun({
      name: "firebreak gate (production)",
      headSha: "c".repeat(40),
      conclusion: "success",
      title: "Open",
      summary: "ok",
      annotations: [],
    });
    expect(run.requests).toBe(1);
    expect(gh.state.checkRuns.get(run.id)).toMatchObject({ status: "completed", conclusion: "success", annotations: [] });
    expect(gh.errors).toEqual([]);
  });
});
