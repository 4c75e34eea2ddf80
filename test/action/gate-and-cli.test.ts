// The pieces any CI can use (`firebreak check --guard-only --ci`, `firebreak gate --json`,
// `firebreak backport --pr N`) and the Action's gate mode, on a real repository.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";
import { startContractServer, type ContractServer } from "../helpers/github-contract-server.js";
import { runAction } from "./run-action.js";

type Json = Record<string, unknown>;
let fx: GitFixture;
let gh: ContractServer;
let runner: string;
const BRANCH = "hotfix/ENG-1234-expired-tokens-accepted";

beforeEach(async () => {
  fx = makeRepo();
  gh = await startContractServer();
  runner = mkdtempSync(join(tmpdir(), "firebreak-runner-"));
});
afterEach(async () => {
  await gh.close();
  fx.cleanup();
  rmSync(runner, { recursive: true, force: true });
});

async function incidentWithFix(config: string, extra: Record<string, string> = {}): Promise<string> {
  fx.commit("chore: firebreak config", { ".firebreak.yml": config });
  fx.git("push", "-q", "origin", "main");
  const r = await firebreak(fx.work, ["start", "ENG-1234", "Expired tokens accepted", "--priority", "P1", "--no-push"]);
  expect(r.code, r.stderr).toBe(0);
  return fx.commit("fix: compare exp", {
    "src/auth.js": "export function check(t) {\n  return t.exp > Date.now() / 1000;\n}\n",
    "test/auth.test.js": 'it("rejects an expired token", () => {});\n',
    ...extra,
  });
}

describe("firebreak check --guard-only --ci", () => {
  it("prints each finding as a GitHub annotation inside GitHub Actions and as a plain line elsewhere", async () => {
    await incidentWithFix('checks:\n  test: "node -e 0"\n', { "assets/a,b::c.bin": "\u0000bin\u0000" });
    const gha = await firebreak(fx.work, ["check", "--guard-only", "--ci"], { env: { GITHUB_ACTIONS: "true" } });
    expect(gha.code, gha.stdout + gha.stderr).toBe(5);
    expect(gha.stdout).toContain(
      "::error file=assets/a%2Cb%3A%3Ac.bin,line=1,title=firebreak guard%3A binary::binary file added or changed",
    );
    const plain = await firebreak(fx.work, ["check", "--guard-only", "--ci", "plain", "--json"], { env: { GITHUB_ACTIONS: "true" } });
    expect(plain.code).toBe(5);
    const lines = plain.stdout.split("\n");
    expect(lines).toContain(
      'assets/a,b::c.bin:1: error: firebreak guard: binary: binary file added or changed To fix: Leave binary assets out of the hotfix, or say in the override what it is and where it came from. Or override: firebreak check --allow binary --reason "<why>"',
    );
    // The annotation lines come first, then the JSON document, whole.
    const json = lines.findIndex((l) => l.startsWith("{"));
    expect(lines.slice(0, json).every((l) => /^(\S.*:1: )?(error|warning|notice): firebreak guard: /.test(l))).toBe(true);
    expect(JSON.parse(lines.slice(json).join("\n")).guard.blocked).toBe(true);
  });
});

describe("firebreak gate", () => {
  it("prints the gate as JSON and exits 5 while it is closed", async () => {
    await incidentWithFix('checks:\n  test: "node -e 0"\n');
    const r = await firebreak(fx.work, ["gate", "--to", "production", "--json"]);
    expect(r.code, r.stderr).toBe(5);
    const j = r.json();
    expect(j).toMatchObject({ ticket: "ENG-1234", env: "production", ok: false });
    const pr = j.gate.items.find((i: { id: string }) => i.id === "pr");
    expect(pr).toMatchObject({ met: false });
    expect(pr.command).toMatch(/^firebreak /);
    const bad = await firebreak(fx.work, ["gate", "--to", "prod"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("staging or production");
  });
});

describe("the Action in gate mode", () => {
  it("reports the gate as a check run and does not count its own earlier verdict as CI", async () => {
    const sha = await incidentWithFix('checks:\n  test: "node -e 0"\n');
    fx.git("push", "-q", "origin", BRANCH);
    gh.setChecks(sha, [
      { name: "test", status: "completed", conclusion: "success" },
      { name: "firebreak gate (production)", status: "completed", conclusion: "failure" },
    ]);
    const r = await runAction({ cwd: fx.work, runner, gh }, { mode: "gate", environment: "production" }, "pull_request", {
      action: "synchronize",
      number: 7,
      pull_request: { number: 7, head: { ref: BRANCH, sha }, base: { ref: "main" }, labels: [], merged: false },
    });
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(gh.errors).toEqual([]);
    const run = [...gh.state.checkRuns.values()].pop()!;
    expect(run).toMatchObject({ name: "firebreak gate (production)", head_sha: sha, conclusion: "failure" });
    const out = JSON.parse(r.outputs.json!) as { ok: boolean; items: Json[] };
    expect(out.ok).toBe(false);
    expect(out.items.find((i) => i.id === "ci-green")).toMatchObject({ met: true });
    expect(r.outputs.result).toBe("closed");
    expect(r.summary).toContain("| **unmet** |");
  });
});

describe("firebreak backport --pr", () => {
  it("carries the commits of a merged PR, found from its merge commit on GitHub", async () => {
    fx.commit("chore: firebreak config", {
      ".firebreak.yml": `forge:\n  type: github\n  repo: acme/api\n  baseUrl: ${gh.url}\n`,
    });
    fx.git("branch", "release-1");
    fx.git("switch", "-q", "-c", "fix/x");
    const one = fx.commit("fix: one", { "src/auth.js": "export function check(t) { return t.exp > 0; }\n" });
    const two = fx.commit("test: two", { "test/auth.test.js": "it('x', () => {});\n" });
    fx.git("switch", "-q", "main");
    fx.git("merge", "-q", "--no-ff", "-m", "Merge pull request #1", "fix/x");
    fx.git("push", "-q", "origin", "main", "release-1");
    const created = await fetch(`${gh.url}/repos/acme/api/pulls`, {
      method: "POST",
      headers: { authorization: "token t", "content-type": "application/json" },
      body: JSON.stringify({ head: "fix/x", base: "main", title: "Fix", body: "" }),
    });
    const n = ((await created.json()) as { number: number }).number;
    const notMerged = await firebreak(fx.work, ["backport", "--pr", String(n), "--to", "release-1", "-t", "ENG-9", "--plan"], {
      env: { GITHUB_TOKEN: "ghs_cli" },
    });
    expect(notMerged.code).toBe(2);
    expect(notMerged.stderr + notMerged.stdout).toContain(`#${n} is not merged`);
    Object.assign(gh.state.pulls.get(n)!, {
      merged: true,
      state: "closed",
      merged_at: new Date().toISOString(),
      merge_commit_sha: fx.git("rev-parse", "HEAD"),
    });
    const plan = await firebreak(fx.work, ["backport", "--pr", String(n), "--to", "release-1", "-t", "ENG-9", "--plan", "--json"], {
      env: { GITHUB_TOKEN: "ghs_cli" },
    });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain("release-1");
    const bad = await firebreak(fx.work, ["backport", "--pr", "12; rm -rf /", "--to", "release-1", "--plan"]);
    expect(bad.code).toBe(2);
    expect(gh.errors).toEqual([]);
    void one;
    void two;
  });
});
