// When a run may take over a lock: only when the run holding it is provably gone. On this host that
// means its pid has ended and no deploy it started still runs (that deploy is waited for first);
// on another host, that it stopped renewing its lease.

import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import { acquireLocks } from "../../src/ship/lock.js";
import type { LeaseHolder, Store } from "../../src/ports.js";
import { isFirebreakError } from "../../src/errors.js";

const NAMES = ["incident-ENG-1234", "env-production"];
const who = { actor: "tester", command: "ship --to production", ticket: "ENG-1234" };
const deadPid = () => Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).toString());

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "firebreak-lease-"));
  store = await openStore({ sqlitePath: join(dir, "firebreak.db") });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function hold(holder: Partial<LeaseHolder>, expiresAt: string): Promise<void> {
  const r = await store.acquireLeases({
    id: "lk_0ld0ld00",
    names: NAMES,
    holder: { ...who, host: hostname(), pid: process.pid, ...holder },
    now: "2026-12-05T10:00:00.000Z",
    expiresAt,
    canTakeOver: () => false,
  });
  expect(r.ok).toBe(true);
}

const refusal = (e: unknown) => (isFirebreakError(e) ? `${e.code}: ${e.message}` : String(e));

describe("taking over a lock", () => {
  it("another host's lease is refused while it is renewed, and taken over once it expired", async () => {
    await hold({ host: "build-7", pid: 1234 }, new Date(Date.now() + 60_000).toISOString());
    const refused = await acquireLocks(store, NAMES, who, new Date()).catch(refusal);
    expect(refused).toBe(
      "LOCKED: ENG-1234 is locked by `firebreak ship --to production` for ENG-1234, run by tester (pid 1234 on build-7) since 2026-12-05T10:00:00.000Z.",
    );

    await store.releaseLeases("lk_0ld0ld00");
    await hold({ host: "build-7", pid: 1234 }, new Date(Date.now() - 1000).toISOString());
    const lock = await acquireLocks(store, NAMES, who, new Date());
    expect(lock.tookOver.map((l) => l.host)).toEqual(["build-7", "build-7"]);
    await lock.release();
    expect(await store.listLeases()).toEqual([]);
  });

  it("a dead run on this host is taken over; a live one is not, even with its lease expired", async () => {
    await hold({ pid: process.pid }, new Date(Date.now() - 1000).toISOString());
    expect(await acquireLocks(store, NAMES, who, new Date()).catch(refusal)).toMatch(/^LOCKED: ENG-1234 is locked by/);
    await store.releaseLeases("lk_0ld0ld00");
    const gone = deadPid();
    await hold({ pid: gone }, new Date(Date.now() + 60_000).toISOString());
    const lock = await acquireLocks(store, NAMES, who, new Date());
    expect(lock.tookOver.map((l) => l.pid)).toEqual([gone, gone]);
    await lock.release();
  });

  it("a dead run whose deploy still runs: the deploy is waited for (its output shown), then the lock is taken", async () => {
    const gone = deadPid();
    await hold({ pid: gone }, new Date(Date.now() + 60_000).toISOString());
    const log = join(dir, "deploy.log");
    const spool = `${log}.out`;
    writeFileSync(log, "$ ./deploy.sh\nfirst\n");
    const script = `const fs = require("node:fs"); fs.appendFileSync(${JSON.stringify(spool)}, "first\\n"); setTimeout(() => fs.appendFileSync(${JSON.stringify(spool)}, "second\\nthird\\n"), 300); setTimeout(() => {}, 1200);`;
    const deploy = spawn(process.execPath, ["-e", script], { detached: true, stdio: "ignore" });
    try {
      await store.markLeaseDeploy("lk_0ld0ld00", {
        pgid: deploy.pid!,
        host: hostname(),
        log,
        spool,
        startedAt: "2026-12-05T10:00:01.000Z",
      });
      const said: string[] = [];
      const lock = await acquireLocks(store, NAMES, who, new Date(), { say: (l) => said.push(l) });
      expect(said[0]).toMatch(new RegExp(`process group ${deploy.pid} .* is still running: waiting for it to end`));
      expect(said.filter((l) => l.startsWith("  │ "))).toEqual(["  │ second", "  │ third"]);
      expect(readFileSync(log, "utf8")).toBe("$ ./deploy.sh\nfirst\nsecond\nthird\n");
      expect(lock.tookOver.map((l) => l.pid)).toEqual([gone, gone]);
      await lock.release();
    } finally {
      try {
        process.kill(-deploy.pid!, "SIGKILL");
      } catch {
        /* ended */
      }
    }
  });

  it("a deploy still running after the wait: refused, with how to stop it", async () => {
    const gone = deadPid();
    await hold({ pid: gone }, new Date(Date.now() + 60_000).toISOString());
    const deploy = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)"], { detached: true, stdio: "ignore" });
    try {
      await store.markLeaseDeploy("lk_0ld0ld00", {
        pgid: deploy.pid!,
        host: hostname(),
        log: join(dir, "d.log"),
        spool: join(dir, "d.log.out"),
        startedAt: "2026-12-05T10:00:01.000Z",
      });
      const e = await acquireLocks(store, NAMES, who, new Date(), { waitMs: 300 }).catch((x: unknown) => x);
      expect(isFirebreakError(e) && e.next).toBe(
        `wait for it to end, then run the same command again (to stop it instead: kill -TERM -${deploy.pid})`,
      );
      expect((await store.listLeases()).map((l) => l.id)).toEqual(["lk_0ld0ld00", "lk_0ld0ld00"]);
    } finally {
      process.kill(-deploy.pid!, "SIGKILL");
    }
  });
});
