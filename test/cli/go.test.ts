// `firebreak go` on a real repository with a bare origin and a real deploy: it runs each next
// step as the single command would, stops at every decision with the command that continues
// (exit 5, or 2 for a missing answer), and continues from the record when run again.

import { afterEach, describe, expect, it } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { spawn } from "node:child_process";
import { CLI, firebreak } from "../helpers/cli.js";
import { commandDeploy, makeService, type Service } from "../ship/fixture.js";

let fx: GitFixture | undefined;
let svc: Service | undefined;
afterEach(() => {
  svc?.stop();
  fx?.cleanup();
  fx = undefined;
  svc = undefined;
});

async function p0(): Promise<{ fx: GitFixture; svc: Service; go: (args: string[]) => ReturnType<typeof firebreak> }> {
  fx = makeRepo();
  svc = await makeService(fx.root);
  fx.commit("chore: firebreak config", { ".firebreak.yml": `checks:\n  test: "node -e 0"\n${commandDeploy(svc)}` });
  fx.git("push", "-q", "origin", "main");
  svc.start("v1.4.2");
  const work = fx.work;
  const start = await firebreak(work, ["start", "ENG-1234", "Expired tokens accepted", "--priority", "P0"]);
  expect(start.code, start.stderr).toBe(0);
  return { fx, svc, go: (args) => firebreak(work, ["go", ...args], { timeoutMs: 90_000 }) };
}

const kinds = async (cwd: string) =>
  (await firebreak(cwd, ["log", "--json"])).json().events.map((e: { kind: string }) => e.kind) as string[];

describe("firebreak go", () => {
  it("carries a P0 from the edit to production, stopping at each decision with the command that continues", {
    timeout: 240_000,
  }, async () => {
    const { fx, svc, go } = await p0();
    // Nothing written yet: go says what to do first.
    let r = await go([]);
    expect(r.code).toBe(5);
    expect(r.stdout).toContain("edit the fix");

    fx.write("src/auth.js", "export function check(t) {\n  return t.exp > Date.now() / 1000;\n}\n");
    fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\n');
    // No terminal and no answers: the checks run, then go stops at the commit's questions.
    r = await go([]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/Next: firebreak go --what "…" --root-cause "…"/);
    expect(await kinds(fx.work)).toContain("checks.passed");

    r = await go(["--what", "expired tokens got 200", "--root-cause", "exp never compared with now"]);
    // Committed (the change check saw, staged by go) and the PR opened; then the approval is a person's.
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(r.stdout).toContain("needs an approval");
    expect(r.stdout).toContain('--waive "<why>"');
    expect(fx.git("status", "--porcelain")).toBe("");
    expect(fx.git("log", "-1", "--format=%s")).toMatch(/^fix: /);

    r = await go(["--waive", "P0 at night; review after the deploy"]);
    expect(r.code).toBe(5);
    expect(r.stdout).toContain("firebreak confirm monitoring");
    expect((await firebreak(fx.work, ["confirm", "monitoring"])).code).toBe(0);
    r = await go([]);
    expect(r.stdout).toContain("firebreak confirm oncall-notified");
    expect((await firebreak(fx.work, ["confirm", "oncall-notified"])).code).toBe(0);

    // The merge and deploy are never done without a yes.
    r = await go([]);
    expect(r.code).toBe(5);
    expect(r.stdout).toContain("Next: firebreak go --yes ship");
    expect(await svc.version()).toBe("v1.4.2");

    r = await go(["--yes", "ship"]);
    expect(await svc.version()).toBe("v1.4.3");
    expect(fx.git("ls-remote", "--tags", "origin")).toContain("v1.4.3");
    // With no notify channel there is nobody to announce to: the step is skipped, not a dead end.
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Resolution announced\s+no notify channel configured/);
    expect(r.stdout).toContain("Left for people:");

    // Run again: nothing is merged, tagged or deployed twice.
    await go(["--yes", "ship"]);
    const all = await kinds(fx.work);
    expect(all.filter((k) => k === "release.tagged")).toHaveLength(1);
    expect(all.filter((k) => k === "deploy.production.done")).toHaveLength(1);
    expect(svc.deploys()).toHaveLength(1);
  });

  it("prints the route with --plan and streams one JSON event per step", { timeout: 120_000 }, async () => {
    const { fx, go } = await p0();
    fx.write("src/auth.js", "export const fixed = true;\n");
    fx.write("test/auth.test.js", 'it("works", () => {});\n');
    const plan = await go(["--plan"]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/Guard and checks\s+2 changed files to check/);
    expect(plan.stdout).toContain("It asks before: ship, announce, rollback");
    expect(await kinds(fx.work)).not.toContain("checks.passed");

    const r = await go(["--json", "--what", "w", "--root-cause", "rc"]);
    const events = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; id?: string; state?: string; code?: number });
    expect(events.filter((e) => e.type === "step" && e.state === "done").map((e) => e.id)).toEqual(["check", "commit", "pr"]);
    expect(events.at(-1)).toMatchObject({ type: "stopped", code: 5 });
  });

  it("killed with -9 in the middle of the ship, it is run again and nothing is merged, tagged or deployed twice", {
    timeout: 240_000,
  }, async () => {
    const { fx, svc, go } = await p0();
    fx.write("src/auth.js", "export const fixed = true;\n");
    fx.write("test/auth.test.js", 'it("works", () => {});\n');
    for (const args of [
      ["go", "--what", "w", "--root-cause", "rc", "--waive", "P0 at night"],
      ["confirm", "monitoring"],
      ["confirm", "oncall-notified"],
    ])
      await firebreak(fx.work, args);
    // go runs the ship; it is killed as soon as the ship step starts.
    const child = spawn(process.execPath, [CLI, "go", "--yes", "ship"], {
      cwd: fx.work,
      env: { ...process.env, NO_COLOR: "1", FIREBREAK_ACTOR: "tester" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let seen = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ship step never started:\n${seen}`)), 90_000);
      child.stdout.on("data", (b: Buffer) => {
        seen += b.toString();
        if (seen.includes("Merge, tag and deploy to production  (")) {
          clearTimeout(timer);
          child.kill("SIGKILL");
          resolve();
        }
      });
    });
    await new Promise((r) => child.on("close", r));
    // Run again until the route is past the ship (the step go lost may still hold its lease for a moment).
    let r = await go(["--yes", "ship"]);
    for (let i = 0; i < 10 && r.code !== 0; i++) {
      await new Promise((w) => setTimeout(w, 1000));
      r = await go(["--yes", "ship"]);
    }
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await svc.version()).toBe("v1.4.3");
    const all = await kinds(fx.work);
    expect(all.filter((k) => k === "release.tagged")).toHaveLength(1);
    expect(all.filter((k) => k === "deploy.production.done")).toHaveLength(1);
    expect(svc.deploys()).toHaveLength(1);
  });

  it("with --wait, waits for a reviewer's approval on the record and goes on when it lands", { timeout: 180_000 }, async () => {
    const { fx, go } = await p0();
    fx.write("src/auth.js", "export const fixed = true;\n");
    fx.write("test/auth.test.js", 'it("works", () => {});\n');
    const waiting = go(["--what", "w", "--root-cause", "rc", "--wait", "2"]);
    // The approval comes from another shell while go waits.
    let approved = false;
    for (let i = 0; i < 60 && !approved; i++) {
      await new Promise((w) => setTimeout(w, 1000));
      approved = (await firebreak(fx.work, ["approve", "--by", "sam"])).code === 0;
    }
    expect(approved).toBe(true);
    const r = await waiting;
    expect(r.stdout).toContain("waiting up to 2 min for an approval");
    expect(r.stdout).toContain("approved by sam");
    // Past the approval: the next stop is the monitoring confirmation.
    expect(r.stdout).toContain("firebreak confirm monitoring");
  });

  it("checks and pushes a commit made with plain git after the PR opened, so it ships with the rest", { timeout: 180_000 }, async () => {
    const { fx, go } = await p0();
    fx.write("src/auth.js", "export const fixed = true;\n");
    fx.write("test/auth.test.js", 'it("works", () => {});\n');
    expect((await go(["--what", "w", "--root-cause", "rc"])).code).toBe(5); // stops at the approval, PR open
    fx.write("src/auth.js", "// ENG-1234: exp is in seconds\nexport const fixed = true;\n");
    fx.git("commit", "-qam", "a follow-up made by hand");
    const head = fx.git("rev-parse", "HEAD");
    const r = await go(["--waive", "P0 at night"]);
    // The hand-made commit is checked, then pushed to the same PR.
    expect(r.stdout, r.stdout + r.stderr).toContain("▶ 1/13 Guard and checks");
    expect(r.stdout).toContain("Updated the pull request record #1");
    expect(fx.git("ls-remote", "origin", "refs/heads/hotfix/*").split(/\s+/)[0]).toBe(head);
    expect(r.stdout).toContain("firebreak confirm monitoring");
  });

  it("refuses a decision it does not know", async () => {
    const { go } = await p0();
    const r = await go(["--yes", "merge"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("go asks only before ship, announce, rollback");
  });
});
