// Runs before `npm test` (pretest): the outside services the tests use, set up on a fresh Debian
// machine of the kind CI runs on, or a stop within a second naming the one command that fixes it.
//   PostgreSQL on 127.0.0.1:5432   started with pg_ctlcluster when installed but stopped
//   prometheus (Debian package)    the verify step's integration test starts and stops it
//   /usr/bin/chromium              the review's screenshot test drives it with playwright-core
// `npm run test:fast` needs none of them.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { connect } from "node:net";

const root = process.getuid?.() === 0;
const sudo = root ? "" : "sudo ";
const fail = (what, fix) => {
  console.error(`✖ npm test needs ${what}.\nNext: ${fix}\n(npm run test:fast runs the tests that need no outside service)`);
  process.exit(1);
};
const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

const pgUp = () =>
  new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port: 5432 });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });

async function postgres() {
  if (await pgUp()) return;
  const versions = existsSync("/etc/postgresql") ? readdirSync("/etc/postgresql") : [];
  if (versions.length === 0) fail("PostgreSQL on 127.0.0.1:5432", `${sudo}apt-get install -y postgresql`);
  const start = `${sudo}pg_ctlcluster --skip-systemctl-redirect ${versions[0]} main start`;
  if (!root || !has("pg_ctlcluster")) fail("PostgreSQL on 127.0.0.1:5432 (installed, not running)", start);
  console.error(`Starting PostgreSQL: ${start}`);
  spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", versions[0], "main", "start"], { stdio: "inherit" });
  for (let i = 0; i < 60; i++) {
    if (await pgUp()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  fail("PostgreSQL on 127.0.0.1:5432 (it did not start)", start);
}

let updated = false;
function debianPackage(pkg, present) {
  if (present()) return;
  const cmd = `${sudo}apt-get install -y --no-install-recommends ${pkg}`;
  if (!root || !has("apt-get")) fail(`Debian's ${pkg}`, cmd);
  console.error(`Installing ${pkg}: ${cmd}`);
  try {
    if (!updated) execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    updated = true;
    execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", pkg], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  } catch {
    fail(`Debian's ${pkg} (apt-get failed)`, cmd);
  }
  if (!present()) fail(`Debian's ${pkg}`, cmd);
}

await postgres();
debianPackage("prometheus", () => has("prometheus"));
debianPackage("chromium", () => existsSync("/usr/bin/chromium"));
