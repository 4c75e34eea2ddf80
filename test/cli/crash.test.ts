// The effect journal under kill -9: the CLI is killed (SIGKILL, via FIREBREAK_CRASH_AT) after the
// intent and before the result of the branch push, then run again. The remote must receive exactly
// one push and the timeline must have no gap, on SQLite and on PostgreSQL.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeRepo, gitIn, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";
import { BACKENDS, type BackendHandle } from "../store/backends.js";

const BRANCH = "hotfix/ENG-77-login-broken";
const START = ["start", "ENG-77", "Login broken", "--priority", "P1"];

describe.each(BACKENDS)("kill -9 during start on $name", (backend) => {
  let fx: GitFixture;
  let db: BackendHandle;
  let env: Record<string, string>;
  let pushLog: string;

  beforeEach(async () => {
    fx = makeRepo();
    db = await backend.setup();
    env =
      "sqlitePath" in db.options
        ? { FIREBREAK_DB: db.options.sqlitePath }
        : { FIREBREAK_DATABASE_URL: db.options.postgresUrl, FIREBREAK_DATABASE_SCHEMA: db.options.schema ?? "" };
    // The bare origin counts every ref update it receives: the world's own witness.
    pushLog = join(fx.root, "pushes.log");
    const hook = join(fx.origin, "hooks", "post-receive");
    writeFileSync(hook, `#!/bin/sh\nwhile read old new ref; do echo "$ref" >> "${pushLog}"; done\n`);
    chmodSync(hook, 0o755);
  });
  afterEach(async () => {
    fx.cleanup();
    await db.cleanup();
  });

  const pushes = () => (existsSync(pushLog) ? readFileSync(pushLog, "utf8").trim().split("\n").filter(Boolean) : []);

  it.each(["after-intent", "after-perform"])("killed %s the push: the re-run pushes once in all and loses nothing", async (point) => {
    const killed = await firebreak(fx.work, START, { env: { ...env, FIREBREAK_CRASH_AT: `git.push:${BRANCH}:${point}` } });
    expect(killed.signal).toBe("SIGKILL");
    expect(pushes()).toHaveLength(point === "after-perform" ? 1 : 0);

    const again = await firebreak(fx.work, [...START, "--json"], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("Resuming");
    expect(pushes()).toEqual([`refs/heads/${BRANCH}`]);
    expect(gitIn(fx.origin, ["rev-parse", BRANCH])).toBe(fx.git("rev-parse", "HEAD"));

    const log = (await firebreak(fx.work, ["log", "--json"], { env })).json();
    const seqs = log.events.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1)); // no gap
    const kinds = log.events.map((e: { kind: string }) => e.kind);
    expect(kinds.filter((k: string) => k === "incident.started")).toHaveLength(1);
    expect(kinds.filter((k: string) => k === "branch.created")).toHaveLength(1);
    expect(kinds.filter((k: string) => k === "branch.pushed")).toHaveLength(1);
    // The interrupted attempt stays on the record next to what the re-run did about it.
    expect(kinds).toContain(point === "after-intent" ? "effect.retry" : "effect.intent");
    const pushed = log.events.find((e: { kind: string }) => e.kind === "branch.pushed");
    expect(Boolean(pushed.data.reconciled)).toBe(point === "after-perform");

    const verify = await firebreak(fx.work, ["log", "--verify"], { env });
    expect(verify.code, verify.stderr).toBe(0);

    // A third run has nothing left to do and says the ticket is in progress.
    const third = await firebreak(fx.work, START, { env });
    expect(third.code).toBe(4);
    expect(pushes()).toHaveLength(1);
  });

  it("killed after the branch was created: the re-run adopts it", async () => {
    const killed = await firebreak(fx.work, START, { env: { ...env, FIREBREAK_CRASH_AT: `git.branch:${BRANCH}:after-perform` } });
    expect(killed.signal).toBe("SIGKILL");
    const again = await firebreak(fx.work, START, { env });
    expect(again.code, again.stderr).toBe(0);
    expect(fx.git("branch", "--list", "hotfix/*")).toBe(`* ${BRANCH}`);
    expect(pushes()).toHaveLength(1);
  });
});
