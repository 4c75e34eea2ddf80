// The guard where a real CI runner meets it: a fresh clone of a hotfix PR where nobody ran
// `firebreak start` (no record at all), and a PR from a fork, whose pull_request token is read-only
// and cannot create check runs. Each still reports every finding, and says what it could not do.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
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
const BRANCH = "hotfix/ENG-77-expired-tokens";

beforeEach(async () => {
  fx = makeRepo();
  gh = await startContractServer();
  runner = mkdtempSync(join(tmpdir(), "firebreak-runner-"));
  fx.commit("chore: firebreak config", {
    ".firebreak.yml": "guard:\n  levels:\n    P1:\n      maxFiles: 1\n",
    "src/auth.js": "export function check(t) { return true; }\n",
  });
  fx.git("push", "-q", "origin", "main");
  // A hotfix branch made with plain git, as a contributor's PR is: no `firebreak start` anywhere.
  fx.git("switch", "-q", "-c", BRANCH);
});
afterEach(async () => {
  await gh.close();
  fx.cleanup();
  rmSync(runner, { recursive: true, force: true });
});

/** The fix with its regression test and a comment naming the ticket, plus `extra` files beyond it. */
function fix(extra: Record<string, string> = {}): string {
  return fx.commit("fix: compare exp", {
    "src/auth.js": "export function check(t) {\n  // ENG-77: an expired token was accepted\n  return t.exp > Date.now() / 1000;\n}\n",
    "test/auth.test.js": 'it("rejects an expired token", () => {});\n',
    ...extra,
  });
}

function pullRequest(headSha: string, opts: { fork?: boolean; labels?: string[] } = {}) {
  const repo = (full: string) => ({ full_name: full, fork: full !== "acme/api" });
  return {
    action: "synchronize",
    number: 4,
    pull_request: {
      number: 4,
      state: "open",
      merged: false,
      head: { ref: BRANCH, sha: headSha, repo: repo(opts.fork ? "mallory/api" : "acme/api") },
      base: { ref: "main", repo: repo("acme/api") },
      labels: (opts.labels ?? []).map((name) => ({ name })),
    },
  };
}

describe("firebreak check --guard-only --ci without an incident record", () => {
  it("guards base..HEAD with the config's rules, says nothing was recorded, and records nothing", async () => {
    fix();
    const ok = await firebreak(fx.work, ["check", "--guard-only", "--ci", "plain"], { env: { GITHUB_BASE_REF: "main" } });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout + ok.stderr).toContain("No incident record here: the guard ran against origin/main at P1");
    expect(ok.stdout + ok.stderr).toContain("nothing was recorded");

    // A second file outside tests breaks this config's P1 budget of one: a block, as an annotation.
    fix({ "src/session.js": "export const ttl = 60;\n" });
    const blocked = await firebreak(fx.work, ["check", "--guard-only", "--ci", "plain", "--json"]);
    expect(blocked.code, blocked.stdout + blocked.stderr).toBe(5);
    expect(blocked.stdout).toMatch(/^error: firebreak guard: size: P1 change is too big: 2 files \(budget 1\)/m);
    const data = JSON.parse(
      blocked.stdout
        .split("\n")
        .filter((l) => l.startsWith("{") || l.startsWith(" ") || l === "}")
        .join("\n"),
    );
    expect(data).toMatchObject({ recorded: false, base: "origin/main", priority: "P1", ticket: "ENG-77", ok: false });

    // At P0 this config keeps the defaults, which let two files through.
    const p0 = await firebreak(fx.work, ["check", "--guard-only", "--ci", "plain", "--priority", "P0"]);
    expect(p0.code, p0.stdout + p0.stderr).toBe(0);

    const list = await firebreak(fx.work, ["list", "--all", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.stringify(list.json())).not.toContain("ENG-77");
  });

  it("still needs an incident outside CI: without --ci the check says how to start one", async () => {
    fix();
    const r = await firebreak(fx.work, ["check", "--guard-only"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("firebreak start");
  });
});

describe("the Action's check mode on a real runner", () => {
  it("reports the guard as a check run on a PR with no record, at the level its label names", async () => {
    const sha = fix({ "src/session.js": "export const ttl = 60;\n" });
    const blocked = await run({ cwd: fx.work, runner, gh }, { mode: "check" }, "pull_request", pullRequest(sha));
    expect(blocked.code, blocked.stdout + blocked.stderr).toBe(5);
    expect(gh.errors).toEqual([]);
    const first = [...gh.state.checkRuns.values()].pop()!;
    expect(first).toMatchObject({ name: "firebreak guard", head_sha: sha, conclusion: "failure" });
    expect(blocked.summary).toContain("No incident record for ENG-77 on this runner");
    expect(blocked.summary).toContain("nothing was recorded");
    expect(JSON.parse(blocked.outputs.json!)).toMatchObject({ recorded: false, blocked: true, ticket: null });

    const p0 = await run({ cwd: fx.work, runner, gh }, { mode: "check" }, "pull_request", pullRequest(sha, { labels: ["P0", "hotfix"] }));
    expect(p0.code, p0.stdout + p0.stderr).toBe(0);
    expect(p0.summary).toContain("at P0 (the PR's label)");
    expect([...gh.state.checkRuns.values()].pop()).toMatchObject({ conclusion: "success" });
  });

  it("on a fork's PR reports on the job instead of a check run it may not create, and fails on a block", async () => {
    const sha = fix({ "src/session.js": "export const ttl = 60;\n" });
    const r = await run({ cwd: fx.work, runner, gh }, { mode: "check" }, "pull_request", pullRequest(sha, { fork: true }));
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(gh.errors).toEqual([]);
    // Not even tried: a read-only token's attempt would only add a 403 to the log.
    expect(gh.requests.filter((q) => q.op.startsWith("checks/"))).toEqual([]);
    expect(r.stdout).toContain("::notice title=firebreak guard::#4 comes from a fork");
    expect(r.stdout).toMatch(/^::error title=firebreak guard%3A size::P1 change is too big/m);
    expect(r.stdout).toMatch(/^::warning file=src\/session\.js,line=1,title=firebreak guard%3A public-api::/m);
    expect(r.summary).toContain("No check run was created");
    expect(r.summary).toContain("| block | size |");
    expect(r.outputs.result).toBe("blocked");
    expect(r.outputs["check-run-id"]).toBe("");
  });

  it("degrades the same way when GitHub refuses the check run to the token", async () => {
    const sha = fix();
    gh.inject("checks/create", { kind: "forbidden" });
    const r = await run({ cwd: fx.work, runner, gh }, { mode: "check" }, "pull_request", pullRequest(sha));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(gh.requests.filter((q) => q.op === "checks/create").map((q) => q.status)).toEqual([403]);
    expect(r.stdout).toContain("::notice title=firebreak guard::The token may not create check runs here");
    expect(r.summary).toContain("No check run was created");
    expect(r.outputs.result).toBe("passed");
  });

  it("the gate needs the record: on a fresh runner it says where the record has to come from, and makes none", async () => {
    const sha = fix();
    const r = await run({ cwd: fx.work, runner, gh }, { mode: "gate" }, "pull_request", pullRequest(sha));
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
    expect(r.stderr).toContain("No incident record on this runner for hotfix/ENG-77-expired-tokens");
    expect(r.stderr).toContain("FIREBREAK_DATABASE_URL");
    expect(gh.state.checkRuns.size).toBe(0);
    expect(existsSync(join(fx.work, ".git", "firebreak", "firebreak.db"))).toBe(false);
  });
});
