// A deploy outlives the Firebreak run that started it (kill -9, a crash), and two clones share one
// store. The deploy script's own log is the witness: how often a deploy started and ended.

import { afterEach, describe, expect, it } from "vitest";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hostname } from "node:os";
import { openStore } from "../../src/store/open-store.js";
import { CLI, type CliResult } from "../helpers/cli.js";
import { makeShipFixture, type Service, type ShipFixture } from "./fixture.js";

let f: ShipFixture | undefined;
const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  f?.cleanup();
  f = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A deploy that takes `seconds`: it says when it starts, prints as it goes (to stdout, which must
// not break when Firebreak dies), waits for `go` when asked to, then restarts the service.
const SLOW = `import { appendFileSync, existsSync } from "node:fs";
const [dir, seconds, gate] = process.argv.slice(2);
appendFileSync(dir + "/script.log", "start " + process.env.FIREBREAK_VERSION + " " + process.pid + "\\n");
for (let i = 0; i < Number(seconds) * 4; i++) { console.log("step " + i); await new Promise((r) => setTimeout(r, 250)); }
for (let i = 0; gate && i < 600 && !existsSync(dir + "/go"); i++) await new Promise((r) => setTimeout(r, 100));
appendFileSync(dir + "/script.log", "end " + process.env.FIREBREAK_VERSION + "\\n");
`;

const slowDeploy = (svc: Service, seconds: number, gate = false, workdir: "release" | "repo" = "release") => {
  writeFileSync(join(svc.dir, "slow.mjs"), SLOW);
  const cmd = `node ${svc.dir}/slow.mjs ${svc.dir} ${seconds}${gate ? " gate" : ""} && ${svc.deployCommand}`;
  return `deploy:\n  production:\n    type: command\n    workdir: ${workdir}\n    command: ${JSON.stringify(cmd)}\n    status: ${JSON.stringify(svc.statusCommand)}\n`;
};

const scriptLog = (svc: Service) =>
  existsSync(join(svc.dir, "script.log")) ? readFileSync(join(svc.dir, "script.log"), "utf8").split("\n").filter(Boolean) : [];

function startShip(cwd: string, env: Record<string, string> = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, "ship"], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", FIREBREAK_ACTOR: "tester", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<CliResult>((r) =>
    child.on("close", (code) => r({ code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout) } as CliResult)),
  );
  return { child, done };
}

async function until(what: string, check: () => boolean, tries = 600): Promise<void> {
  for (let i = 0; i < tries && !check(); i++) await sleep(50);
  expect(check(), what).toBe(true);
}

describe("a deploy that outlives firebreak", () => {
  it.each(["release", "repo"] as const)(
    "kill -9 during a 5 s deploy (workdir: %s): the rerun waits for it, shows its output and records one deploy; it never deploys twice",
    async (workdir) => {
      f = await makeShipFixture({ config: (svc) => slowDeploy(svc, 5, false, workdir) });
      const { fx, svc } = f;
      const first = startShip(fx.work);
      await until("the deploy started", () => scriptLog(svc).length === 1);
      first.child.kill("SIGKILL");
      await first.done;

      // Immediately again, while the first deploy still runs (in its temporary worktree).
      const again = await f.cli(["ship"]);
      expect(scriptLog(svc).map((l) => l.split(" ").slice(0, 2).join(" "))).toEqual(["start v1.4.3", "end v1.4.3"]);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stderr).toMatch(
        /The deploy started by an earlier run \(process group \d+ on .+\) is still running: waiting for it to end/,
      );
      expect(again.stderr).toMatch(/│ step \d+/); // its output, read from where it kept writing
      expect(svc.deploys()).toHaveLength(1);
      expect(await svc.version()).toBe("v1.4.3");

      const events = (await f.cli(["log", "--json"])).json().events as Array<{ kind: string; data: Record<string, unknown> }>;
      expect(events.filter((e) => e.kind === "deploy.production.done")).toHaveLength(1);
      expect(events.filter((e) => e.kind === "effect.intent" && String(e.data.key).startsWith("deploy.production"))).toHaveLength(1);
      // The killed run's temporary worktree is gone, and no lock is left.
      expect(
        fx
          .git("worktree", "list", "--porcelain")
          .split("\n")
          .filter((l) => l.startsWith("worktree ")),
      ).toHaveLength(1);
      expect((await f.cli(["unlock", "--json"])).json().locks).toEqual([]);
    },
  );

  it("a deploy's process group is on the record (journal and lock) while it runs", async () => {
    f = await makeShipFixture({ config: (svc) => slowDeploy(svc, 1, true) });
    const { fx, svc } = f;
    const first = startShip(fx.work);
    await until("the deploy started", () => scriptLog(svc).length === 1);
    const pid = Number(scriptLog(svc)[0]!.split(" ")[2]);
    const pgid = Number(
      execFileSync("ps", ["-o", "pgid=", "-p", String(pid)])
        .toString()
        .trim(),
    );
    let locks: Array<{ deploy: { pgid: number } | null }> = [];
    for (let i = 0; i < 50 && !locks[0]?.deploy; i++) locks = (await f.cli(["unlock", "--json"])).json().locks;
    expect(locks.map((l) => l.deploy?.pgid)).toEqual([pgid, pgid]);
    // …and in the journal's intent for the deploy, with the host it runs on.
    const store = await openStore({ sqlitePath: join(fx.work, ".git", "firebreak", "firebreak.db") });
    try {
      const inc = (await store.findByTicket("ENG-1234"))!;
      expect((await store.getEffect(inc.id, "deploy.production:v1.4.3"))?.intent.deploy).toMatchObject({ pgid, host: hostname() });
    } finally {
      await store.close();
    }
    writeFileSync(join(svc.dir, "go"), "");
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    expect((await f.cli(["unlock", "--json"])).json().locks).toEqual([]);
  });
});

describe("two clones on one store", () => {
  it("race ship: exactly one deploys, the other is refused and told who holds the lock", async () => {
    f = await makeShipFixture({ config: (svc) => slowDeploy(svc, 1, true) });
    const { fx, svc } = f;
    const other = join(fx.root, "clone2");
    execFileSync("git", ["clone", "-q", fx.origin, other]);
    const db = join(fx.work, ".git", "firebreak", "firebreak.db");
    const env = { FIREBREAK_DB: db };
    const a = startShip(fx.work, env);
    const b = startShip(other, env);
    // One of them deploys (it waits for `go`); the other must be refused meanwhile.
    await until("one deploy started", () => scriptLog(svc).length === 1);
    const loser = await Promise.race([a.done.then((r) => ({ r, who: "a" })), b.done.then((r) => ({ r, who: "b" }))]);
    expect(loser.r.code, loser.r.stdout + loser.r.stderr).toBe(4);
    expect(loser.r.stderr).toMatch(
      /is locked by `firebreak ship --to production` for ENG-1234, run by tester \(pid \d+ on .+\) since \d{4}-/,
    );
    expect(loser.r.stderr).toMatch(/firebreak unlock lk_[0-9a-f]{8}/);
    writeFileSync(join(svc.dir, "go"), "");
    const winner = await (loser.who === "a" ? b : a).done;
    expect(winner.code, winner.stderr).toBe(0);
    expect(scriptLog(svc).filter((l) => l.startsWith("start"))).toHaveLength(1);
    expect(svc.deploys()).toHaveLength(1);
  });
});
