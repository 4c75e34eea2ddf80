// npm run bench:team-cli — what keeping a clone's record on a team server costs a command: the
// same commands (status, list, log, note) run against the clone's own record and against a
// `firebreak serve` process on 127.0.0.1 (SQLite), each several times, plus `node -e 0` in the
// same run as the baseline. Then the server is stopped: status from the clone's copy, a step
// taken with --offline, status from the offline record; and started again: the command that
// uploads the offline steps. Prints medians and ratios; figures on a shared machine are read as
// ratios. Every process and folder it starts is removed at the end, also on Ctrl-C.

import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const CLI = resolve("dist/firebreak.js");
const RUNS = Number(process.env.RUNS ?? 9);
const root = mkdtempSync(join(tmpdir(), "firebreak-bench-team-"));
let server: ChildProcess | undefined;
const cleanup = () => {
  server?.kill("SIGTERM");
  rmSync(root, { recursive: true, force: true });
};
process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Bench",
  GIT_AUTHOR_EMAIL: "b@example.test",
  GIT_COMMITTER_NAME: "Bench",
  GIT_COMMITTER_EMAIL: "b@example.test",
};
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env: { ...process.env, ...GIT_ENV }, stdio: "pipe" });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function fb(cwd: string, args: string[], env: Record<string, string> = {}, input?: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    ...(input !== undefined ? { input } : {}),
    encoding: "utf8",
  });
  const took = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`firebreak ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return took;
}

function clone(name: string): string {
  const dir = join(root, name);
  git(root, "clone", "-q", join(root, "origin.git"), dir);
  return dir;
}

/** `firebreak serve` on the SQLite file, on `port` ("0": any); resolves with its URL once it listens. */
async function serve(data: string, port: string): Promise<string> {
  server = spawn(process.execPath, [CLI, "serve", "--data", data, "--port", port], { stdio: ["ignore", "pipe", "ignore"] });
  return new Promise<string>((res, rej) => {
    let out = "";
    const timer = setTimeout(() => rej(new Error("serve did not start")), 30_000);
    server!.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
      if (line) {
        clearTimeout(timer);
        res(JSON.parse(line).url);
      }
    });
  });
}

async function stopServer(): Promise<void> {
  const s = server;
  if (!s || s.exitCode !== null) return;
  await new Promise((r) => {
    s.on("exit", r);
    s.kill("SIGTERM");
  });
}

async function main() {
  git(root, "init", "-q", "--bare", "--initial-branch=main", "origin.git");
  const seed = join(root, "seed");
  git(root, "init", "-q", "--initial-branch=main", seed);
  writeFileSync(join(seed, "README.md"), "bench\n");
  git(seed, "add", "-A");
  git(seed, "commit", "-q", "-m", "init");
  git(seed, "push", "-q", join(root, "origin.git"), "main");
  const local = clone("local");
  const team = clone("team");

  const data = join(root, "server.db");
  // The server's database exists once its first admin is made; token create works on that one.
  spawnSync(process.execPath, [CLI, "serve", "--init-admin", "--data", data, "--json"], { encoding: "utf8" });
  const tok = spawnSync(process.execPath, [CLI, "token", "create", "--name", "bench", "--role", "responder", "--data", data, "--json"], {
    encoding: "utf8",
  });
  const token = JSON.parse(tok.stdout).token as string;
  const url = await serve(data, "0");
  const home = join(root, "home");
  const env = { XDG_CONFIG_HOME: home, FIREBREAK_ACTOR: "bench" };
  fb(team, ["login", url, "--with-token"], env, token);
  for (const dir of [local, team]) fb(dir, ["start", "ENG-1", "bench incident", "--priority", "P1", "--no-push"], env);

  const baseline: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, ["-e", "0"]);
    baseline.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const base = median(baseline);
  const commands: [string, string[]][] = [
    ["status", ["status", "ENG-1"]],
    ["list", ["list"]],
    ["log", ["log", "ENG-1"]],
    ["note", ["note", "--ticket", "ENG-1", "bench note"]],
  ];
  console.log(`node -e 0 (baseline): ${base.toFixed(0)} ms (median of ${RUNS})`);
  console.log("command   own record   team server   server/own   server/baseline");
  for (const [name, args] of commands) {
    const own = median(Array.from({ length: RUNS }, () => fb(local, args, env)));
    const srv = median(Array.from({ length: RUNS }, () => fb(team, args, env)));
    console.log(
      `${name.padEnd(9)} ${`${own.toFixed(0)} ms`.padStart(10)}   ${`${srv.toFixed(0)} ms`.padStart(11)}   ${(srv / own).toFixed(2).padStart(9)}×   ${(srv / base).toFixed(1).padStart(14)}×`,
    );
  }

  // The server goes away: what the clone does without it, against the same commands with it.
  const onlineStatus = median(Array.from({ length: RUNS }, () => fb(team, ["status", "ENG-1"], env)));
  const onlineNote = median(Array.from({ length: RUNS }, () => fb(team, ["note", "--ticket", "ENG-1", "bench note"], env)));
  const port = new URL(url).port;
  await stopServer();
  const copyStatus = median(Array.from({ length: RUNS }, () => fb(team, ["status", "ENG-1"], env)));
  const offline = ["--offline", "--reason", "bench: the server is stopped"];
  const offlineNote = median(Array.from({ length: RUNS }, () => fb(team, ["note", "--ticket", "ENG-1", "offline note", ...offline], env)));
  const recordStatus = median(Array.from({ length: RUNS }, () => fb(team, ["status", "ENG-1"], env)));
  await serve(data, port);
  // Each offline command recorded its reason and its note: 2 events per run to upload.
  const uploading = fb(team, ["status", "ENG-1"], env);
  const after = median(Array.from({ length: RUNS }, () => fb(team, ["status", "ENG-1"], env)));
  const events = 2 * RUNS;
  const row = (what: string, ms: number, against: number, name: string) =>
    console.log(`${what.padEnd(44)} ${`${ms.toFixed(0)} ms`.padStart(8)}   ${(ms / against).toFixed(2).padStart(5)}× ${name}`);
  console.log("\nwith the team server stopped                       median   against the same with the server");
  row("status from the clone's copy", copyStatus, onlineStatus, "status");
  row("note --offline --reason (offline record)", offlineNote, onlineNote, "note");
  row("status from the offline record", recordStatus, onlineStatus, "status");
  row(`status that uploads ${events} events (once back)`, uploading, after, "status after it");
  console.log(`upload: ${((uploading - after) / events).toFixed(1)} ms per event, one call after another`);
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  })
  .finally(cleanup);
