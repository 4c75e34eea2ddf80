// firebreak check and commit, end to end on a real repository.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

let fx: GitFixture;

function setup(checks: Record<string, string>) {
  const yml = ["checks:", ...Object.entries(checks).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`), "  timeoutSeconds: 20", ""].join("\n");
  fx.commit("chore: firebreak config", {
    ".firebreak.yml": yml,
    "package.json": JSON.stringify({ name: "svc", version: "1.0.0", dependencies: { jsonwebtoken: "9.0.0" } }, null, 2) + "\n",
  });
  fx.git("push", "-q", "origin", "main");
}

async function startIncident() {
  const r = await firebreak(fx.work, ["start", "ENG-1234", "Expired tokens accepted", "--priority", "P1", "--no-push"]);
  expect(r.code, r.stderr).toBe(0);
}

function writeFix() {
  fx.write(
    "src/auth.js",
    "export function check(t) {\n  // ENG-1234: expired tokens were accepted because exp was never compared with now\n  return t.exp > Date.now() / 1000;\n}\n",
  );
  fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\n');
}

beforeEach(() => {
  fx = makeRepo();
});
afterEach(() => fx.cleanup());

describe("firebreak check", () => {
  it("passes a minimal fix with a regression test and records the guard and each check", async () => {
    setup({ test: "node -e 0", build: "node -e 0" });
    await startIncident();
    writeFix();
    const r = await firebreak(fx.work, ["check"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test\s+passed/);
    expect(r.stdout).toMatch(/typecheck\s+missing/);
    const s = (await firebreak(fx.work, ["status", "--json"])).json();
    const state = (id: string) => s.checklist.find((i: { id: string }) => i.id === id)?.state;
    expect(state("guard")).toBe("done");
    expect(state("checks")).toBe("done");
    const log = (await firebreak(fx.work, ["log", "--json"])).json();
    const test = log.events.find((e: { kind: string; data: { name?: string } }) => e.kind === "check.passed" && e.data.name === "test");
    expect(test.data.logPath).toMatch(/test\.log$/);
  });

  it("blocks a dependency change until it is allowed with a reason, which is recorded", async () => {
    setup({ test: "node -e 0" });
    await startIncident();
    writeFix();
    fx.write("package.json", JSON.stringify({ name: "svc", version: "1.0.0", dependencies: { jsonwebtoken: "9.0.2" } }, null, 2) + "\n");
    const blocked = await firebreak(fx.work, ["check"]);
    expect(blocked.code).toBe(5);
    expect(blocked.stdout).toContain("dependencies");
    expect(blocked.stdout).toContain("package.json");
    expect(blocked.stdout).toContain("checks did not run");

    const allowed = await firebreak(fx.work, ["check", "--allow", "dependencies", "--reason", "CVE-2026-1234 in jsonwebtoken"]);
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    const log = (await firebreak(fx.work, ["log", "--json"])).json();
    const override = log.events.find((e: { kind: string }) => e.kind === "guard.allowed");
    expect(override.data).toMatchObject({ rule: "dependencies", reason: "CVE-2026-1234 in jsonwebtoken" });
  });

  it("blocks a fix without a regression test", async () => {
    setup({ test: "node -e 0" });
    await startIncident();
    fx.write("src/auth.js", "export function check(t) { return t.exp > Date.now() / 1000; }\n");
    const r = await firebreak(fx.work, ["check"]);
    expect(r.code).toBe(5);
    expect(r.stdout).toContain("regression-test");
  });

  it("a failing check fails the run and keeps its log", async () => {
    setup({ test: "node -e \"console.log('boom'); process.exit(3)\"" });
    await startIncident();
    writeFix();
    const r = await firebreak(fx.work, ["check", "--json"]);
    expect(r.code).toBe(5);
    const out = r.json();
    const test = out.checks.find((c: { name: string }) => c.name === "test");
    expect(test.status).toBe("failed");
    expect(test.exitCode).toBe(3);
    const s = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(s.checklist.find((i: { id: string }) => i.id === "checks").state).not.toBe("done");
  });

  it("--skip needs a reason, and the skip is recorded", async () => {
    setup({ test: "node -e 0", build: "node -e 0" });
    await startIncident();
    writeFix();
    expect((await firebreak(fx.work, ["check", "--skip", "build"])).code).toBe(2);
    const r = await firebreak(fx.work, ["check", "--skip", "build", "--reason", "build runs in CI only"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const log = (await firebreak(fx.work, ["log", "--json"])).json();
    expect(log.events.find((e: { kind: string }) => e.kind === "check.skipped").data).toMatchObject({
      name: "build",
      reason: "build runs in CI only",
    });
  });
});

describe("firebreak check on an axios-shaped clone without node_modules", () => {
  // axios's own scripts: the build calls gulp and rollup, which only node_modules provides.
  function axiosClone(scripts: Record<string, string>) {
    fx.commit("chore: axios-shaped package", {
      "package.json":
        JSON.stringify(
          {
            name: "axios",
            version: "1.7.2",
            type: "module",
            main: "index.js",
            scripts,
            devDependencies: { gulp: "^4.0.2", rollup: "^2.79.1", mocha: "^10.3.0" },
          },
          null,
          2,
        ) + "\n",
      "package-lock.json":
        JSON.stringify({ name: "axios", version: "1.7.2", lockfileVersion: 3, requires: true, packages: {} }, null, 2) + "\n",
      "lib/helpers/isAbsoluteURL.js":
        "export default function isAbsoluteURL(url) {\n  return /^([a-z][a-z\\d+\\-.]*:)?\\/\\//i.test(url);\n}\n",
    });
    fx.git("push", "-q", "origin", "main");
  }
  function axiosFix() {
    fx.write(
      "lib/helpers/isAbsoluteURL.js",
      "export default function isAbsoluteURL(url) {\n  // ENG-1234: protocol-relative URLs were taken as absolute because the scheme was optional\n  return /^[a-z][a-z\\d+\\-.]*:\\/\\//i.test(url);\n}\n",
    );
    fx.write(
      "test/unit/helpers/isAbsoluteURL.js",
      "import assert from 'assert';\nassert.strictEqual(isAbsoluteURL('//example.com'), false);\n",
    );
  }

  it("a build that cannot start (sh: gulp: not found, exit 127) fails the check; status says which ran", async () => {
    axiosClone({ test: "node -e 0", build: "gulp clear && cross-env NODE_ENV=production rollup -c -m" });
    await startIncident();
    axiosFix();
    const r = await firebreak(fx.work, ["check"]);
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(r.stdout).not.toContain("the checks pass");
    expect(r.stdout).toMatch(/build\s+failed/);
    expect(r.stdout).toMatch(/gulp: not found/);
    const json = (await firebreak(fx.work, ["check", "--json"])).json();
    expect(json.ok).toBe(false);
    expect(json.checks.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ["test", "passed"],
      ["typecheck", "missing"],
      ["build", "failed"],
    ]);
    expect(json.checks[2].exitCode).toBe(127);
    const s = (await firebreak(fx.work, ["status", "--json"])).json();
    const checks = s.checklist.find((i: { id: string }) => i.id === "checks");
    expect(checks.state).not.toBe("done");
    expect(checks.detail).toBe("passed: test; failed: build; no command: typecheck");
    const text = await firebreak(fx.work, ["status"]);
    expect(text.stdout).toContain("Tests, type check and build pass (passed: test; failed: build; no command: typecheck)");
    // The ship gate reads the same record: CI is not green.
    fx.git("add", "-A");
    expect(
      (
        await firebreak(fx.work, [
          "commit",
          "--what",
          "protocol-relative URLs taken as absolute",
          "--root-cause",
          "the scheme was optional",
        ])
      ).code,
    ).toBe(0);
    expect((await firebreak(fx.work, ["pr"])).code).toBe(0);
    const dry = await firebreak(fx.work, ["ship", "--dry-run", "--json"]);
    expect(dry.code).toBe(5);
    expect(dry.json().gate.items.find((i: { id: string }) => i.id === "ci-green")).toMatchObject({ met: false });
  });

  it("when no check can start, says the dependencies are likely not installed and names npm ci", async () => {
    axiosClone({
      test: "npm run test:mocha",
      "test:mocha": "mocha test/unit/**/*.js --timeout 10000",
      build: "gulp clear && rollup -c -m",
    });
    await startIncident();
    axiosFix();
    const r = await firebreak(fx.work, ["check"]);
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(r.stdout).toContain("No check could start: the command was not found.");
    expect(r.stdout).toContain("The dependencies are likely not installed.");
    expect(r.stdout + r.stderr).toMatch(/Next: npm ci {3}# then: firebreak check/);
  });

  it("a passing run names the checks that ran and the one with no command", async () => {
    axiosClone({ test: "node -e 0", build: "node -e 0" });
    await startIncident();
    axiosFix();
    const r = await firebreak(fx.work, ["check"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("the checks pass (ran: test, build; no command for typecheck)");
    const s = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(s.checklist.find((i: { id: string }) => i.id === "checks")).toMatchObject({
      state: "done",
      detail: "passed: test, build; no command: typecheck",
    });
  });
});

describe("firebreak check --guard-only", () => {
  it("records the guard, runs no check, and works with --json", async () => {
    setup({ test: "node -e \"require('fs').writeFileSync('test.ran', '')\"" });
    await startIncident();
    writeFix();
    const r = await firebreak(fx.work, ["check", "--guard-only"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("no check ran (--guard-only)");
    expect(existsSync(join(fx.work, "test.ran"))).toBe(false);
    const json = await firebreak(fx.work, ["check", "--guard-only", "--json"]);
    expect(json.code).toBe(0);
    expect(json.json()).toMatchObject({ guard: { blocked: false }, checks: [], ok: true });
    const s = (await firebreak(fx.work, ["status", "--json"])).json();
    const state = (id: string) => s.checklist.find((i: { id: string }) => i.id === id)?.state;
    expect(state("guard")).toBe("done");
    expect(state("checks")).not.toBe("done");
    const log = (await firebreak(fx.work, ["log", "--json"])).json();
    expect(log.events.some((e: { kind: string }) => e.kind.startsWith("check"))).toBe(false);
  });

  it("blocks with exit 5 and --json output when the guard blocks, and refuses --checks-only beside it", async () => {
    setup({ test: "node -e 0" });
    await startIncident();
    fx.write("src/auth.js", "export function check(t) { return t.exp > Date.now() / 1000; }\n");
    const r = await firebreak(fx.work, ["check", "--guard-only", "--json"]);
    expect(r.code).toBe(5);
    expect(r.json().guard.findings.map((f: { rule: string }) => f.rule)).toContain("regression-test");
    expect((await firebreak(fx.work, ["check", "--guard-only", "--checks-only"])).code).toBe(2);
  });
});

describe("firebreak commit", () => {
  it("writes fix: subject, body and trailers git can parse, and stores the root cause", async () => {
    setup({ test: "node -e 0" });
    await startIncident();
    writeFix();
    fx.git("add", "-A");
    const r = await firebreak(fx.work, [
      "commit",
      "--what",
      "Expired tokens got 200 instead of 401",
      "--root-cause",
      'exp was never compared with now; `$(id)` "quoted"',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const message = fx.git("log", "-1", "--format=%B");
    expect(message.split("\n")[0]).toBe("fix: Expired tokens accepted");
    expect(message).toContain('exp was never compared with now; `$(id)` "quoted"');
    const trailers = fx.git("log", "-1", "--format=%(trailers:only,unfold)");
    expect(trailers).toContain("Ticket: ENG-1234");
    expect(trailers).toContain("Priority: P1");
    const s = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(s.incident.data.rootCause).toContain("exp was never compared");
    expect(s.checklist.find((i: { id: string }) => i.id === "fix-committed").state).toBe("done");
    const log = (await firebreak(fx.work, ["log", "--json"])).json();
    const commit = log.events.find((e: { kind: string }) => e.kind === "commit.created");
    expect(commit.data.testFiles).toEqual(["test/auth.test.js"]);
    expect(commit.data.testCases).toEqual(["rejects an expired token"]);
  });

  it("a second commit without a test names the test an earlier commit of the fix added, instead of warning of a block", async () => {
    setup({ test: "node -e 0" });
    await startIncident();
    writeFix();
    fx.git("add", "-A");
    const args = ["commit", "--what", "Expired tokens got 200", "--root-cause", "exp never compared"];
    expect((await firebreak(fx.work, args)).code).toBe(0);
    fx.write("src/auth.js", "export function check(t) {\n  return t.exp > Math.floor(Date.now() / 1000);\n}\n");
    fx.git("add", "-A");
    const second = await firebreak(fx.work, args);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("none in this commit; the fix's earlier commits have test/auth.test.js");
    expect(second.stdout).not.toContain("the guard will block this");
    expect(second.stdout).toContain("Next: firebreak pr");
    // Checked again after the commit: nothing is left to commit, so the next step is the PR.
    const again = await firebreak(fx.work, ["check"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Next: firebreak pr");
  });

  it("asks for nothing without a terminal: the missing flag is named", async () => {
    setup({ test: "node -e 0" });
    await startIncident();
    writeFix();
    fx.git("add", "-A");
    const r = await firebreak(fx.work, ["commit"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--what");
    expect(fx.git("log", "-1", "--format=%s")).toBe("chore: firebreak config");
  });

  it("refuses when nothing is staged", async () => {
    setup({ test: "node -e 0" });
    await startIncident();
    const r = await firebreak(fx.work, ["commit", "--what", "x", "--root-cause", "y"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Nothing is staged");
  });
});
