// The action as a runner gets it: a checkout of a release tag, which holds action.yml and the dist/
// that `npm run build:action` made, and no node_modules (a runner runs no `npm ci` for an action).
// The bundle is built into a temp folder far from this repository's node_modules, and action.yml's
// own `runs.main` is started from there: with the team's PostgreSQL record (pg must be in the
// bundle), and on a fresh clone with no record at all.

import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { startContractServer, type ContractServer } from "../helpers/github-contract-server.js";
import { freshPgDatabase } from "../server/fixture.js";
import { runAction } from "./run-action.js";

const REPO = resolve(import.meta.dirname, "../..");
let release: string; // the checkout of the action's release tag
let main: string;
let db: { url: string; drop(): Promise<void> };

beforeAll(async () => {
  release = mkdtempSync(join(tmpdir(), "firebreak-action-tag-"));
  execFileSync(process.execPath, [join(REPO, "scripts/build.mjs"), "--action", "--outdir", join(release, "dist")], { cwd: REPO });
  cpSync(join(REPO, "action.yml"), join(release, "action.yml"));
  const yml = parse(readFileSync(join(release, "action.yml"), "utf8")) as { runs: { using: string; main: string } };
  expect(yml.runs.using).toBe("node24");
  main = join(release, yml.runs.main);
  db = await freshPgDatabase();
}, 120_000);
afterAll(async () => {
  await db?.drop();
  rmSync(release, { recursive: true, force: true });
});

/** Every folder from the release checkout up to / : none may hold a node_modules to borrow from. */
function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; ; d = resolve(d, "..")) {
    out.push(d);
    if (d === resolve(d, "..")) return out;
  }
}

describe("the action's release bundle", () => {
  it("is whole: action.yml's main is in it, and no node_modules is there to resolve anything from", () => {
    expect(existsSync(main)).toBe(true);
    for (const d of ancestors(release)) expect(existsSync(join(d, "node_modules")), d).toBe(false);
    // The one folder of that name inside the bundle is the SQLite stand-in it ships, nothing installed.
    expect(readdirSync(join(release, "dist", "node_modules"))).toEqual(["better-sqlite3"]);
  });

  describe("run from a clean checkout of it", () => {
    let fx: GitFixture;
    let gh: ContractServer;
    let runner: string;
    beforeAll(async () => {
      fx = makeRepo();
      gh = await startContractServer();
      runner = mkdtempSync(join(tmpdir(), "firebreak-runner-"));
      fx.commit("chore: firebreak config", { ".firebreak.yml": 'checks:\n  test: "node -e 0"\n' });
      fx.git("push", "-q", "origin", "main");
    });
    afterAll(async () => {
      await gh.close();
      fx.cleanup();
      rmSync(runner, { recursive: true, force: true });
    });

    /** The bundle's own CLI, as a laptop with the release installed runs it. */
    const cli = (args: string[], env: Record<string, string>) =>
      execFileSync(process.execPath, [join(release, "dist", "firebreak.js"), ...args], {
        cwd: fx.work,
        env: { ...process.env, NO_COLOR: "1", FIREBREAK_ACTOR: "tester", ...env },
        encoding: "utf8",
      });
    const fix = (ticket: string) =>
      fx.commit("fix: compare exp", {
        "src/auth.js": `export function check(t) {\n  // ${ticket}: compare exp with now\n  return t.exp > Date.now() / 1000;\n}\n`,
        "test/auth.test.js": 'it("rejects an expired token", () => {});\n',
      });
    const event = (branch: string, sha: string) => ({
      action: "synchronize",
      number: 1,
      pull_request: { number: 1, state: "open", merged: false, head: { ref: branch, sha }, base: { ref: "main" }, labels: [] },
    });

    it("reads and writes the team's PostgreSQL record through the pg it bundles", async () => {
      const env = { FIREBREAK_DATABASE_URL: db.url };
      // The incident started on a laptop against the same record, with the bundle's own CLI.
      cli(["start", "ENG-4242", "Expired tokens", "--priority", "P1", "--no-push"], env);
      const branch = fx.git("rev-parse", "--abbrev-ref", "HEAD");
      const sha = fix("ENG-4242");
      const r = await runAction({ cwd: fx.work, runner, gh, launch: main, env }, { mode: "check" }, "pull_request", event(branch, sha));
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND/);
      expect(JSON.parse(r.outputs.json!)).toMatchObject({ ticket: "ENG-4242", recorded: true, blocked: false });
      expect([...gh.state.checkRuns.values()].pop()).toMatchObject({ name: "firebreak guard", conclusion: "success", head_sha: sha });
      // The run's guard is on the shared record, where the laptop reads it.
      const log = JSON.parse(cli(["log", "ENG-4242", "--json"], env)) as { events: { kind: string }[] };
      expect(log.events.map((e) => e.kind)).toContain("guard.passed");
      fx.git("switch", "-q", "main");
    });

    it("runs on a fresh clone with no record, and makes none up", async () => {
      const branch = "hotfix/ENG-5-expired";
      fx.git("switch", "-q", "-c", branch);
      const sha = fix("ENG-5");
      const r = await runAction({ cwd: fx.work, runner, gh, launch: main }, { mode: "check" }, "pull_request", event(branch, sha));
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.summary).toContain("No incident record for ENG-5 on this runner");
      expect(existsSync(join(fx.work, ".git", "firebreak", "firebreak.db"))).toBe(false);
    });
  });
});
