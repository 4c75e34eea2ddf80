// A deploy stopped part-way (Ctrl-C, a timeout) may have partly happened: Firebreak passes the
// signal on to the deploy command (which runs in its own process group), waits for it, records
// the deploy as possibly done, releases its locks and worktree, and never deploys again without
// asking. The deploy script's own files are the witnesses: its pid, how often it started.

import { afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI } from "../helpers/cli.js";
import { makeShipFixture, type Service, type ShipFixture } from "./fixture.js";

let f: ShipFixture | undefined;
let running: ChildProcess | undefined;
afterEach(() => {
  running?.kill("SIGKILL");
  running = undefined;
  f?.cleanup();
  f = undefined;
});

// Starts, says so (its pid, one line per start), then waits (bounded) for the go-ahead file.
const HANG = `import { appendFileSync, existsSync, writeFileSync } from "node:fs";
const dir = process.argv[2];
writeFileSync(dir + "/hang.pid", String(process.pid));
appendFileSync(dir + "/starts.log", "start\\n");
for (let i = 0; i < 400 && !existsSync(dir + "/go"); i++) await new Promise((r) => setTimeout(r, 50));
`;

const hangingDeploy = (svc: Service, more = "") => {
  writeFileSync(join(svc.dir, "hang.mjs"), HANG);
  return `deploy:\n  production:\n    type: command\n    command: ${JSON.stringify(`node ${svc.dir}/hang.mjs ${svc.dir} && ${svc.deployCommand}`)}\n${more}`;
};

const starts = (svc: Service) =>
  existsSync(join(svc.dir, "starts.log")) ? readFileSync(join(svc.dir, "starts.log"), "utf8").split("\n").filter(Boolean).length : 0;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a deploy stopped part-way", () => {
  it("Ctrl-C during a command deploy: the deploy is stopped too, the lock and worktree are released, exit 130; the next run asks", async () => {
    f = await makeShipFixture({ config: (svc) => hangingDeploy(svc) });
    const { fx, svc } = f;
    const child = spawn(process.execPath, [CLI, "ship"], {
      cwd: fx.work,
      env: { ...process.env, NO_COLOR: "1", FIREBREAK_ACTOR: "tester" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    running = child;
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.on("close", (code, signal) => r({ code, signal })),
    );

    // Wait (bounded) until the deploy command is running.
    const pidFile = join(svc.dir, "hang.pid");
    for (let i = 0; i < 400 && !existsSync(pidFile); i++) await sleep(50);
    expect(existsSync(pidFile), stderr).toBe(true);
    const deployPid = Number(readFileSync(pidFile, "utf8"));
    expect(alive(deployPid)).toBe(true);

    child.kill("SIGINT");
    const r = await closed;
    running = undefined;
    expect(r.code, stdout + stderr).toBe(130);
    expect(stderr).toContain("Stopped by SIGINT");
    expect(stderr).toContain("firebreak ship --to production --redeploy");
    expect(stderr).toContain("firebreak ship --to production --confirm-deployed");
    // The deploy command did not outlive Firebreak, and nothing was left behind.
    for (let i = 0; i < 100 && alive(deployPid); i++) await sleep(50);
    expect(alive(deployPid)).toBe(false);
    expect((await f.cli(["unlock", "--json"])).json().locks).toEqual([]);
    expect(
      fx
        .git("worktree", "list", "--porcelain")
        .split("\n")
        .filter((l) => l.startsWith("worktree ")),
    ).toHaveLength(1);
    expect(await svc.version()).toBe("v1.4.2");

    // Nobody can tell whether it went live (no status command): the next run asks, deploys nothing.
    const asked = await f.cli(["ship"]);
    expect(asked.code).toBe(4);
    expect(asked.stderr).toContain("firebreak ship --to production --redeploy");
    expect(starts(svc)).toBe(1);

    writeFileSync(join(svc.dir, "go"), "");
    const redeploy = await f.cli(["ship", "--redeploy"]);
    expect(redeploy.code, redeploy.stderr).toBe(0);
    expect(await svc.version()).toBe("v1.4.3");
    expect(starts(svc)).toBe(2);
  });

  it("SIGHUP (a dropped SSH session) during a deploy is handled like SIGTERM: the deploy is stopped, the lock released, the run resumable", async () => {
    f = await makeShipFixture({ config: (svc) => hangingDeploy(svc) });
    const { fx, svc } = f;
    const child = spawn(process.execPath, [CLI, "ship"], {
      cwd: fx.work,
      env: { ...process.env, NO_COLOR: "1", FIREBREAK_ACTOR: "tester" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    running = child;
    let stderr = "";
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    const closed = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    const pidFile = join(svc.dir, "hang.pid");
    for (let i = 0; i < 400 && !existsSync(pidFile); i++) await sleep(50);
    expect(existsSync(pidFile), stderr).toBe(true);
    const deployPid = Number(readFileSync(pidFile, "utf8"));

    child.kill("SIGHUP");
    const code = await closed;
    running = undefined;
    expect(code, stderr).toBe(129); // a hangup exits 129, like SIGHUP anywhere (README, exit codes)
    expect(stderr).toContain("Stopped by SIGHUP");
    for (let i = 0; i < 100 && alive(deployPid); i++) await sleep(50);
    expect(alive(deployPid)).toBe(false);
    expect((await f.cli(["unlock", "--json"])).json().locks).toEqual([]);
    expect(
      fx
        .git("worktree", "list", "--porcelain")
        .split("\n")
        .filter((l) => l.startsWith("worktree ")),
    ).toHaveLength(1);

    writeFileSync(join(svc.dir, "go"), "");
    const redeploy = await f.cli(["ship", "--redeploy"]);
    expect(redeploy.code, redeploy.stderr).toBe(0);
    expect(await svc.version()).toBe("v1.4.3");
    expect(starts(svc)).toBe(2);
  });

  it("a deploy that timed out is possibly done: the next run does not deploy again without asking", async () => {
    f = await makeShipFixture({ config: (svc) => hangingDeploy(svc, "    timeoutSeconds: 5\n") });
    const { svc } = f;
    const first = await f.cli(["ship"]);
    expect(first.code).toBe(4);
    expect(first.stderr).toContain("timed out");
    expect(first.stderr).toContain("firebreak ship --to production --confirm-deployed");
    expect(starts(svc)).toBe(1);

    const again = await f.cli(["ship"]);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain("firebreak ship --to production --redeploy");
    expect(starts(svc)).toBe(1);

    writeFileSync(join(svc.dir, "go"), "");
    const redeploy = await f.cli(["ship", "--redeploy"]);
    expect(redeploy.code, redeploy.stderr).toBe(0);
    expect(await svc.version()).toBe("v1.4.3");
  });

  it("a deploy that timed out, with a status command: the next run asks it and deploys only because it is not live", async () => {
    f = await makeShipFixture({
      config: (svc) => hangingDeploy(svc, `    status: ${JSON.stringify(svc.statusCommand)}\n    timeoutSeconds: 5\n`),
    });
    const { svc } = f;
    const first = await f.cli(["ship"]);
    expect(first.code).toBe(4);
    writeFileSync(join(svc.dir, "go"), "");
    const again = await f.cli(["ship"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("asking command whether v1.4.3 is live");
    expect(await svc.version()).toBe("v1.4.3");
    expect(starts(svc)).toBe(2);
  });
});
