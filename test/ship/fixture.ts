// A repository with an incident ready to ship, and a real service on 127.0.0.1 that the team's
// deploy command restarts at the new version (GET /version answers it). Every process started
// here is stopped by stop().

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { expect } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak, type CliResult } from "../helpers/cli.js";
import { killOwn } from "../helpers/own-process.js";

export const TICKET = "ENG-1234";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const SERVICE = `import http from "node:http";
const version = process.env.APP_VERSION ?? "unknown";
const flag = process.env.FEATURE_FIX_ENABLED ?? "unset";
http.createServer((req, res) => {
  if (req.url === "/version") return res.end(version);
  if (req.url === "/flag") return res.end(flag);
  res.statusCode = 404;
  res.end();
}).listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
`;

// The team's deploy script: stop the running app, start the new version, wait until it answers.
const RESTART = `import { spawn } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
const [dir, port] = process.argv.slice(2);
const version = process.env.FIREBREAK_VERSION;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
try {
  const old = Number(readFileSync(dir + "/app.pid", "utf8"));
  // Only while that pid is still this app: a pid whose process is gone may belong to anyone now.
  if (!readFileSync("/proc/" + old + "/cmdline", "utf8").includes(dir + "/service.mjs")) throw new Error("not ours");
  process.kill(old, "SIGTERM");
  for (let i = 0; i < 100; i++) { try { process.kill(old, 0); await sleep(50); } catch { break; } }
} catch {}
const child = spawn(process.execPath, [dir + "/service.mjs"], { env: { ...process.env, PORT: port, APP_VERSION: version }, detached: true, stdio: "ignore" });
child.unref();
writeFileSync(dir + "/app.pid", String(child.pid));
for (let i = 0; i < 100; i++) {
  try { const r = await fetch("http://127.0.0.1:" + port + "/version"); if ((await r.text()) === version) break; } catch {}
  await sleep(50);
}
appendFileSync(dir + "/deploys.log", [version, process.env.FIREBREAK_SHA, process.env.FIREBREAK_TICKET, process.env.FIREBREAK_ENV, process.env.FEATURE_FIX_ENABLED ?? ""].join(" ") + "\\n");
console.log("deployed " + version + " to http://127.0.0.1:" + port + "/");
`;

const STATUS = `const r = await fetch("http://127.0.0.1:" + process.argv[2] + "/version").catch(() => null);
if (!r) process.exit(3);
console.log(await r.text());
`;

export interface Service {
  dir: string;
  port: number;
  deployCommand: string;
  statusCommand: string;
  start(version: string): void;
  version(): Promise<string>;
  flag(): Promise<string>;
  deploys(): string[];
  stop(): void;
}

export async function makeService(root: string): Promise<Service> {
  const dir = join(root, "svc");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "service.mjs"), SERVICE);
  writeFileSync(join(dir, "restart.mjs"), RESTART);
  writeFileSync(join(dir, "status.mjs"), STATUS);
  const port = await freePort();
  const deployCommand = `node ${dir}/restart.mjs ${dir} ${port}`;
  const get = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).text();
  return {
    dir,
    port,
    deployCommand,
    statusCommand: `node ${dir}/status.mjs ${port}`,
    start(version) {
      execFileSync(process.execPath, [join(dir, "restart.mjs"), dir, String(port)], {
        env: { ...process.env, FIREBREAK_VERSION: version },
      });
      writeFileSync(join(dir, "deploys.log"), ""); // the initial start is not a deploy
    },
    version: () => get("/version"),
    flag: () => get("/flag"),
    deploys: () => (existsSync(join(dir, "deploys.log")) ? readFileSync(join(dir, "deploys.log"), "utf8").split("\n").filter(Boolean) : []),
    stop() {
      const pidFile = join(dir, "app.pid");
      if (!existsSync(pidFile)) return;
      killOwn(Number(readFileSync(pidFile, "utf8")), join(dir, "service.mjs"));
    },
  };
}

export interface ShipFixture {
  fx: GitFixture;
  svc: Service;
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  cleanup(): void;
}

/** YAML for a command deployer on production talking to `svc`. */
export const commandDeploy = (svc: Service, more = "") =>
  `deploy:\n  production:\n    type: command\n    command: ${JSON.stringify(svc.deployCommand)}\n    status: ${JSON.stringify(svc.statusCommand)}\n${more}`;

/**
 * main with v1.4.2 and .firebreak.yml; an incident at `priority` with a fix committed, checked
 * and a PR recorded (git forge). `ready` adds what the production gate wants: an approval,
 * on-call told, monitoring confirmed.
 */
export async function makeShipFixture(
  opts: { priority?: string; title?: string; config?: (svc: Service) => string; ready?: boolean; running?: string | null } = {},
): Promise<ShipFixture> {
  const fx = makeRepo();
  const svc = await makeService(fx.root);
  const f: ShipFixture = {
    fx,
    svc,
    cli: (args, env) => firebreak(fx.work, args, { env, timeoutMs: 60_000 }),
    cleanup() {
      svc.stop();
      fx.cleanup();
    },
  };
  try {
    const config = opts.config ? opts.config(svc) : commandDeploy(svc);
    fx.commit("chore: firebreak config", { ".firebreak.yml": `checks:\n  test: "node -e 0"\n${config}` });
    fx.git("push", "-q", "origin", "main");
    if (opts.running !== null) svc.start(opts.running ?? "v1.4.2");
    const ok = async (args: string[]) => {
      const r = await f.cli(args);
      expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
      return r;
    };
    await ok(["start", TICKET, opts.title ?? "Expired tokens accepted", "--priority", opts.priority ?? "P0"]);
    fx.write("src/auth.js", "export function check(t) {\n  return t.exp > Date.now() / 1000;\n}\n");
    fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\n');
    await ok(["check"]);
    fx.git("add", "-A");
    await ok(["commit", "--what", "expired tokens got 200", "--root-cause", "exp never compared with now"]);
    await ok(["pr"]);
    if (opts.ready !== false) {
      await ok(["approve", "--by", "Dana"]);
      await ok(["confirm", "oncall-notified"]);
      await ok(["confirm", "monitoring"]);
    }
  } catch (e) {
    f.cleanup();
    throw e;
  }
  return f;
}

export const kindsOf = async (f: ShipFixture): Promise<string[]> =>
  (await f.cli(["log", "--json"])).json().events.map((e: { kind: string }) => e.kind);
