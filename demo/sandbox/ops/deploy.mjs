// The sandbox team's deploy script, run by Firebreak's command deployer:
//   node ../ops/deploy.mjs --port 4100 --runtime ../runtime            deploy FIREBREAK_VERSION
//   node ../ops/deploy.mjs --port 4100 --runtime ../runtime --status   print the running version
// It exports the tagged tree into runtime/releases/<version> (no checkout: the work tree and index
// are left alone), stops the running service, starts the new one and waits until /version answers it.

import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { port: { type: "string" }, runtime: { type: "string" }, status: { type: "boolean" } } });
const port = Number(values.port);
const runtime = resolve(values.runtime ?? "../runtime");
const pidFile = join(runtime, "service.pid");
const git = (args, env = {}) => execFileSync("git", args, { encoding: "utf8", env: { ...process.env, ...env } }).trim();

async function running() {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/version`, { signal: AbortSignal.timeout(1000) });
    return (await res.text()).trim();
  } catch {
    return null;
  }
}

if (values.status) {
  const v = await running();
  console.log(v ? `running ${v} on 127.0.0.1:${port}` : `not running on 127.0.0.1:${port}`);
  process.exit(v ? 0 : 1);
}

const version = process.env.FIREBREAK_VERSION;
if (!version) {
  console.error("FIREBREAK_VERSION is not set: run this through `firebreak ship`.");
  process.exit(2);
}
git(["fetch", "--quiet", "--tags", "origin"]);
const sha = process.env.FIREBREAK_SHA || git(["rev-parse", "--verify", "--end-of-options", `${version}^{commit}`]);

// Export the release without touching the work tree or its index.
const dir = join(runtime, "releases", version);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const index = join(runtime, `index-${process.pid}`);
git(["read-tree", sha], { GIT_INDEX_FILE: index });
git(["checkout-index", "--all", `--prefix=${dir}/`], { GIT_INDEX_FILE: index });
rmSync(index, { force: true });
console.log(`exported ${version} (${sha.slice(0, 7)}) to ${dir}`);

// Stop the running version, bounded: a deploy never waits forever.
if (existsSync(pidFile)) {
  const old = Number(readFileSync(pidFile, "utf8"));
  try {
    process.kill(old, "SIGTERM");
    for (let i = 0; i < 50; i++) {
      process.kill(old, 0);
      await sleep(100);
    }
    process.kill(old, "SIGKILL");
  } catch {
    // gone
  }
  console.log(`stopped the previous service (pid ${old})`);
}

const log = openSync(join(runtime, "service.log"), "a");
const child = spawn(process.execPath, [join(dir, "src/server.mjs")], {
  detached: true,
  stdio: ["ignore", log, log],
  env: { ...process.env, PORT: String(port), APP_VERSION: version },
});
child.unref();
writeFileSync(pidFile, String(child.pid));

for (let i = 0; i < 100; i++) {
  if ((await running()) === version) {
    console.log(`deployed ${version} on http://127.0.0.1:${port} (pid ${child.pid})`);
    process.exit(0);
  }
  await sleep(100);
}
console.error(`${version} did not answer on /version within 10 s; see ${join(runtime, "service.log")}`);
process.exit(1);
