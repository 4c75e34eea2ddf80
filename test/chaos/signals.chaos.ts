// INT, TERM and HUP (Ctrl-C, a kill, a dropped SSH session) while a command has a child at work:
// check's test command, ship's deploy, verify's smoke test, backport's push (held in the origin's
// hook). Counted: children still running after firebreak exited (or a firebreak that did not
// exit), an interruption that left nothing on the record, and whether the same command run again
// completes.

import { afterEach, describe, it } from "vitest";
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { report } from "./figures.js";
import { holdPushes, makeWorld, type World } from "./world.js";
import { alive, spawnCli, waitFor } from "./proc.js";
import { makeCliFixture, type CliFixture } from "../backport/cli-fixture.js";
import type { CliResult } from "../helpers/cli.js";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
type Sig = (typeof SIGNALS)[number];

let w: World | undefined;
let bp: CliFixture | undefined;
let server: Server | undefined;
const strays: number[] = [];
afterEach(async () => {
  for (const pid of strays.splice(0))
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  await w?.cleanup();
  bp?.cleanup();
  if (server) await new Promise<void>((r) => server!.close(() => r()));
  w = undefined;
  bp = undefined;
  server = undefined;
});

interface Case {
  /** Starts the command with its child held; resolves once the child is at work. */
  start(): Promise<{ pids: () => number[]; stop: (s: Sig) => void; done: Promise<CliResult>; cwd: string; env: Record<string, string> }>;
  release(): void;
  again: string[];
}

async function measure(command: string, signal: Sig, c: Case): Promise<void> {
  const run = await c.start();
  const events = async () => {
    const r = await spawnCli(run.cwd, ["log", "--json", "ENG-1234"], run.env).done;
    return r.code === 0 ? (r.json().events as unknown[]).length : -1;
  };
  const before = await events();
  run.stop(signal);
  const notes: string[] = [];
  const ended = await Promise.race([run.done, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
  let keptRunning = 0;
  if (ended === null) {
    keptRunning = 1;
    notes.push(`firebreak ${command} was still running 20 s after ${signal}`);
  } else notes.push(`exit ${ended.code ?? ended.signal}: ${ended.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  // Children get a moment to go (bounded); any still alive after that was left behind.
  await waitFor(() => run.pids().every((p) => !alive(p)), 5_000);
  const left = run.pids().filter(alive);
  strays.push(...left);
  if (left.length) notes.push(`left running: pids ${left.join(", ")}`);
  // What was interrupted goes on the record: at least one event written after the signal.
  const notRecorded = ended !== null && (await events()) <= before ? 1 : 0;
  if (notRecorded) notes.push(`nothing recorded after ${signal}`);
  c.release();
  if (ended === null) await run.done;
  let completed = false;
  let runs = 1;
  for (let i = 0; i < 3 && !completed; i++) {
    const r = await spawnCli(run.cwd, c.again, run.env).done;
    runs++;
    completed = r.code === 0;
    if (!completed) notes.push(`again: exit ${r.code}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  }
  report({
    group: "signals",
    scenario: `${signal} during ${command}`,
    runs,
    childrenLeft: left.length + keptRunning,
    notRecorded,
    notResumable: completed ? 0 : 1,
    notes,
  });
}

const pidsOf = (file: string) => () => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number) : []);

const checkCase = (): Case => ({
  again: ["check"],
  release: () => w!.release(),
  async start() {
    w = await makeWorld({ stage: "fixed", checks: ({ deployDir }) => `node ${deployDir}/hold.mjs ${deployDir} check` });
    const world = w;
    world.fx.write("src/extra.js", "export const extra = 1;\n");
    const before = world.held("check").length;
    world.hold();
    const r = spawnCli(world.fx.work, ["check"], world.env);
    await waitFor(() => world.held("check").length > before, 60_000);
    return {
      pids: () => world.held("check").slice(before),
      stop: (s) => r.child.kill(s),
      done: r.done,
      cwd: world.fx.work,
      env: world.env,
    };
  },
});

const shipCase = (): Case => ({
  again: ["ship", "--no-verify"],
  release: () => w!.release(),
  async start() {
    w = await makeWorld({ stage: "ready" });
    const world = w;
    world.hold();
    const r = spawnCli(world.fx.work, ["ship", "--no-verify"], world.env);
    await waitFor(() => world.deploys().length > 0, 90_000);
    return {
      pids: () => world.deploys().map((d) => d.pid),
      stop: (s) => r.child.kill(s),
      done: r.done,
      cwd: world.fx.work,
      env: world.env,
    };
  },
});

const verifyCase = (): Case => {
  let holding = false;
  let asked = 0;
  return {
    again: ["verify", "--stop-at-verdict"],
    release: () => (holding = false),
    async start() {
      // The service's health answers only once released: verify's smoke test waits on it.
      server = createServer(async (req, res) => {
        asked++;
        await waitFor(() => !holding, 60_000);
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      });
      await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
      const port = (server.address() as { port: number }).port;
      w = await makeWorld({
        stage: "shipped",
        extraConfig: () =>
          `verify:\n  baseUrl: { production: "http://127.0.0.1:${port}" }\n  smoke:\n    - { name: health, url: /health, expectStatus: 200 }\n`,
      });
      const world = w;
      holding = true;
      const before = asked;
      const r = spawnCli(world.fx.work, ["verify", "--stop-at-verdict"], world.env);
      await waitFor(() => asked > before, 60_000);
      return { pids: () => [], stop: (s) => r.child.kill(s), done: r.done, cwd: world.fx.work, env: world.env };
    },
  };
};

const backportCase = (): Case => {
  let dir = "";
  return {
    again: ["backport"],
    release: () => rmSync(join(dir, "hold"), { force: true }),
    async start() {
      bp = await makeCliFixture();
      dir = join(bp.root, "hold");
      holdPushes(bp.origin, dir);
      writeFileSync(join(dir, "hold"), "");
      const r = spawnCli(bp.work, ["backport"]);
      const pids = pidsOf(join(dir, "hook.pids"));
      await waitFor(() => pids().length > 0, 90_000);
      return { pids, stop: (s) => r.child.kill(s), done: r.done, cwd: bp.work, env: {} };
    },
  };
};

const CASES: Record<string, () => Case> = { check: checkCase, ship: shipCase, verify: verifyCase, backport: backportCase };

describe("signals", () => {
  it.each(Object.keys(CASES).flatMap((command) => SIGNALS.map((signal) => [signal, command] as const)))(
    "%s during %s: children stopped, the same command completes after",
    async (signal, command) => {
      await measure(command, signal, CASES[command]!());
    },
  );
});
