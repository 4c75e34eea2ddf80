// The team server is never the reason a P0 cannot ship: an incident worked on the server, the
// server goes down before the deploy, `ship` waits for it unless the commander says why it cannot
// wait (--offline --reason), then merges, tags and deploys once from the clone's copy. When the
// server is back, the next command uploads the ship's steps, and shipping again does nothing twice.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { startServe, type ServeProcess } from "../helpers/serve-process.js";
import { makeShipFixture, type ShipFixture } from "../ship/fixture.js";
import { freshPgDatabase } from "./fixture.js";

describe("ship --offline on a team server that went down (PostgreSQL, a real server process)", () => {
  let db: Awaited<ReturnType<typeof freshPgDatabase>>;
  let serve: ServeProcess | undefined;
  let home: string;
  let f: ShipFixture | undefined;
  let token = "";
  const saved = { ...process.env };

  beforeEach(async () => {
    db = await freshPgDatabase();
    home = mkdtempSync(join(tmpdir(), "firebreak-home-"));
    const made = await firebreak(home, ["token", "create", "--name", "carol", "--role", "commander", "--json"], {
      env: { FIREBREAK_DATABASE_URL: db.url },
    });
    expect(made.code, made.stderr).toBe(0);
    token = made.json().token;
    serve = await startServe({ databaseUrl: db.url, cwd: home });
    // Every command of the fixture's clone works on the server, as carol, logged in once.
    process.env.XDG_CONFIG_HOME = join(home, "config");
    process.env.FIREBREAK_SERVER = serve.url;
    const login = await firebreak(home, ["login", serve.url, "--with-token"], { input: token });
    expect(login.code, login.stderr).toBe(0);
  });
  afterEach(async () => {
    process.env = { ...saved };
    f?.cleanup();
    f = undefined;
    await serve?.stop();
    await db?.drop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** An incident at P0 on the server, ready to ship but for the approval, waived by the commander. */
  async function readyToShip(): Promise<ShipFixture> {
    const made = await makeShipFixture({ ready: false });
    for (const step of [
      ["waive", "approval", "--reason", "card payments down for everyone; no second reviewer awake"],
      ["confirm", "oncall-notified"],
      ["confirm", "monitoring"],
    ]) {
      const r = await made.cli(step);
      expect(r.code, `${step.join(" ")}\n${r.stderr}`).toBe(0);
    }
    return made;
  }

  it("deploys once without the server when the commander says why, and uploads the ship's steps when it is back", async () => {
    f = await readyToShip();
    const port = serve!.port;
    await serve!.stop();

    const waits = await f.cli(["ship"]);
    expect(waits.code).toBe(9);
    expect(waits.stderr).toContain("--offline --reason");
    expect(f.svc.deploys()).toHaveLength(0);

    const why = "team server is in the same region that is down";
    const shipped = await f.cli(["ship", "--offline", "--reason", why]);
    expect(shipped.code, shipped.stderr).toBe(0);
    expect(shipped.stderr).toContain(`Working without the team server, on this clone's offline record (why: ${why})`);
    expect(f.svc.deploys()).toHaveLength(1);
    expect(f.fx.git("tag", "--list", "v1.4.3").trim()).toBe("v1.4.3");

    serve = await startServe({ databaseUrl: db.url, cwd: home, port });
    const back = await f.cli(["status"]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toMatch(/Uploaded \d+ events on ENG-1234 recorded while the server did not answer/);

    const log = (await f.cli(["log", "--json"])).json().events as { kind: string; actor: string; data: Record<string, unknown> }[];
    expect(log.filter((e) => e.kind === "deploy.production.done")).toHaveLength(1);
    expect(log.filter((e) => e.kind === "release.tagged")).toHaveLength(1);
    expect(log.find((e) => e.kind === "offline.started")).toMatchObject({
      actor: "carol",
      data: { reason: why, command: "firebreak ship" },
    });

    // Shipping again, now on the server: the server's journal knows the deploy was done.
    const again = await f.cli(["ship"]);
    expect(f.svc.deploys()).toHaveLength(1);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("v1.4.3 is on production (already done by an earlier run)");
    expect(again.stderr).not.toContain("Deploying");
  });

  it("killed offline right after the deploy, then run again offline: one deploy, uploaded once", async () => {
    f = await readyToShip();
    const port = serve!.port;
    await serve!.stop();
    const why = "team server down; P0";
    const killed = await f.cli(["ship", "--offline", "--reason", why], { FIREBREAK_CRASH_AT: "deploy.production:v1.4.3:after-perform" });
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    expect(f.svc.deploys()).toHaveLength(1);

    const again = await f.cli(["ship", "--offline", "--reason", why]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("no longer running"); // the dead run's lock on this machine was taken over
    expect(f.svc.deploys()).toHaveLength(1);

    serve = await startServe({ databaseUrl: db.url, cwd: home, port });
    const log = (await f.cli(["log", "--json"])).json().events as { kind: string }[];
    for (const k of ["release.merged", "release.tagged", "deploy.production.done"])
      expect(
        log.filter((e) => e.kind === k),
        k,
      ).toHaveLength(1);
    const verified = await f.cli(["log", "--verify"]);
    expect(verified.code, verified.stderr).toBe(0);
  });
});
