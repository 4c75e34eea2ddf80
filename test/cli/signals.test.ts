// SIGINT, SIGTERM and SIGHUP get one treatment in every command: the team's commands Firebreak
// started are stopped (their whole process group), what was interrupted goes on the timeline, and
// the run exits 130 / 143 / 129 with the command to run next. The test command's own pid files
// are the witnesses that nothing was left running.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { CLI, firebreak } from "../helpers/cli.js";
import { isOwn, killOwn } from "../helpers/own-process.js";

let fx: GitFixture;
let running: ChildProcess | undefined;
beforeEach(() => {
  fx = makeRepo();
});
afterEach(() => {
  running?.kill("SIGKILL");
  running = undefined;
  for (const pid of pids()) kill(pid);
  fx.cleanup();
});

// The test command: writes its pid, starts a grandchild (its pid too), then waits (bounded).
const HANG = `import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
const out = process.argv[2];
// The pid file's path rides along as an argument: cleanup recognises its own processes by it.
const grandchild = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", out], { stdio: "ignore" });
appendFileSync(out, process.pid + "\\n" + grandchild.pid + "\\n");
setTimeout(() => {}, 60000);
`;

const pidFile = () => join(fx.root, "pids.txt");
const pids = (): number[] => (existsSync(pidFile()) ? readFileSync(pidFile(), "utf8").split("\n").filter(Boolean).map(Number) : []);
// Only this test's own processes (their command line names its folder) are looked at or killed: a
// pid whose process is gone may already belong to someone else.
const kill = (pid: number) => killOwn(pid, fx.root);
const alive = (pid: number) => isOwn(pid, fx.root);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: fx.work,
    env: { ...process.env, NO_COLOR: "1", FIREBREAK_ACTOR: "tester", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running = child;
  const o = { stdout: "", stderr: "" };
  child.stdout!.on("data", (b: Buffer) => (o.stdout += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (o.stderr += b.toString()));
  const closed = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  return { child, o, closed };
}

const events = async () =>
  (await firebreak(fx.work, ["log", "--json"])).json().events as Array<{ kind: string; data: Record<string, unknown> }>;

describe("a signal during check", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGHUP", 129],
    ["SIGINT", 130],
  ] as const)(
    "%s: the test command and its children are stopped, the interruption is recorded, exit %i",
    async (sig, code) => {
      writeFileSync(join(fx.root, "hang.mjs"), HANG);
      const yml = `checks:\n  test: ${JSON.stringify(`node ${join(fx.root, "hang.mjs")} ${pidFile()}`)}\n  timeoutSeconds: 120\n`;
      fx.commit("chore: firebreak config", { ".firebreak.yml": yml });
      fx.git("push", "-q", "origin", "main");
      expect((await firebreak(fx.work, ["start", "ENG-1234", "Expired tokens accepted", "--priority", "P1", "--no-push"])).code).toBe(0);

      const { child, o, closed } = start(["check", "--checks-only"]);
      for (let i = 0; i < 400 && pids().length < 2; i++) await sleep(50);
      expect(pids(), o.stderr).toHaveLength(2);
      expect(pids().every(alive)).toBe(true);

      child.kill(sig);
      expect(await closed, o.stdout + o.stderr).toBe(code);
      running = undefined;
      for (let i = 0; i < 100 && pids().some(alive); i++) await sleep(50);
      expect(pids().filter(alive)).toEqual([]);
      expect(o.stdout).toContain("Next: firebreak check");

      const log = await events();
      expect(log.find((e) => e.kind === "check.interrupted")?.data.name).toBe("test");
      expect(log.find((e) => e.kind === "command.interrupted")?.data).toMatchObject({
        signal: sig,
        command: "firebreak check --checks-only",
      });
    },
    60_000,
  );
});

describe("a signal during verify", () => {
  it("SIGTERM while watching: the watch stops, the record says it was interrupted before a verdict, exit 143", async () => {
    const { startApp } = await import("../verify/fixture-app.js");
    const svc = await startApp({ rate: 200, errorFraction: 0.01, slowFraction: 0.02 });
    try {
      const yml = `verify:\n  baseUrl: { production: "${svc.url}" }\n  warmupSeconds: 60\n  intervalSeconds: 0.5\n  baselineSeconds: 1\n  baselineMaxSeconds: 2\n  windowMinutes: 2\n  metrics:\n    - { name: error rate, source: scrape, url: /metrics, bad: 'app_requests_total{status="500"}', total: app_requests_total }\n`;
      fx.commit("chore: firebreak config", { ".firebreak.yml": yml });
      fx.git("push", "-q", "origin", "main");
      expect((await firebreak(fx.work, ["start", "ENG-1234", "Expired tokens accepted", "--priority", "P1", "--no-push"])).code).toBe(0);
      expect((await firebreak(fx.work, ["verify", "--capture-baseline"])).code).toBe(0);

      const { child, o, closed } = start(["verify"]);
      for (let i = 0; i < 240 && !o.stderr.includes("Watching 1 metric"); i++) await sleep(100);
      expect(o.stderr).toContain("Watching 1 metric");
      child.kill("SIGTERM");
      expect(await closed, o.stdout + o.stderr).toBe(143);
      running = undefined;
      expect(o.stdout).toContain("Next: keep watching: firebreak verify");
      const log = await events();
      expect(String(log.find((e) => e.kind.startsWith("verify.production."))?.data.summary)).toContain("interrupted before a verdict");
      expect(log.find((e) => e.kind === "command.interrupted")?.data).toMatchObject({ signal: "SIGTERM", command: "firebreak verify" });
    } finally {
      await svc.close();
    }
  }, 60_000);
});

describe("a signal during ship", () => {
  it("SIGTERM while the deploy runs: the deploy's group is stopped, the deploy is possibly done, the interruption is on the timeline, exit 143", async () => {
    const { makeShipFixture } = await import("../ship/fixture.js");
    const f = await makeShipFixture({
      config: (svc) => {
        writeFileSync(join(svc.dir, "hang.mjs"), HANG);
        return `deploy:\n  production:\n    type: command\n    command: ${JSON.stringify(`node ${svc.dir}/hang.mjs ${join(svc.dir, "pids.txt")} && ${svc.deployCommand}`)}\n`;
      },
    });
    const deployPids = () =>
      existsSync(join(f.svc.dir, "pids.txt"))
        ? readFileSync(join(f.svc.dir, "pids.txt"), "utf8").split("\n").filter(Boolean).map(Number)
        : [];
    try {
      const child = spawn(process.execPath, [CLI, "ship"], {
        cwd: f.fx.work,
        env: { ...process.env, NO_COLOR: "1", FIREBREAK_ACTOR: "tester" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      running = child;
      let stderr = "";
      child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
      const closed = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
      for (let i = 0; i < 400 && deployPids().length < 2; i++) await sleep(50);
      expect(deployPids(), stderr).toHaveLength(2);

      child.kill("SIGTERM");
      expect(await closed, stderr).toBe(143);
      running = undefined;
      expect(stderr).toContain("Stopped by SIGTERM");
      expect(stderr).toContain("firebreak ship --to production --confirm-deployed");
      const deployAlive = (pid: number) => isOwn(pid, f.svc.dir);
      for (let i = 0; i < 100 && deployPids().some(deployAlive); i++) await sleep(50);
      expect(deployPids().filter(deployAlive)).toEqual([]);
      const log = (await f.cli(["log", "--json"])).json().events as Array<{ kind: string; data: Record<string, unknown> }>;
      expect(log.some((e) => e.kind === "effect.possibly-done" && e.data.key === "deploy.production:v1.4.3")).toBe(true);
      expect(log.find((e) => e.kind === "command.interrupted")?.data).toMatchObject({ signal: "SIGTERM", command: "firebreak ship" });
    } finally {
      for (const pid of deployPids()) killOwn(pid, f.svc.dir);
      f.cleanup();
    }
  }, 90_000);
});
