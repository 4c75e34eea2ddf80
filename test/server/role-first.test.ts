// A role refusal on a team server comes before any progress line: a responder's rollback, a
// viewer's ship and a responder's approval are refused in the server's terms, with the next step,
// and nothing was printed before as if the work had started (a real server process, PostgreSQL).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { startServe, type ServeProcess } from "../helpers/serve-process.js";
import { makeShipFixture, TICKET, type ShipFixture } from "../ship/fixture.js";
import { freshPgDatabase } from "./fixture.js";

describe("a role refusal before any progress line", () => {
  let db: Awaited<ReturnType<typeof freshPgDatabase>>;
  let serve: ServeProcess | undefined;
  let home = "";
  let f: ShipFixture | undefined;
  const tokens: Record<string, string> = {};
  const saved = { ...process.env };
  const as = (who: string) => ({ XDG_CONFIG_HOME: join(home, who) });

  beforeAll(async () => {
    db = await freshPgDatabase();
    home = mkdtempSync(join(tmpdir(), "firebreak-home-"));
    for (const [name, role] of [
      ["carol", "commander"],
      ["alice", "responder"],
      ["vic", "viewer"],
    ] as const) {
      const made = await firebreak(home, ["token", "create", "--name", name, "--role", role, "--json"], {
        env: { FIREBREAK_DATABASE_URL: db.url },
      });
      expect(made.code, made.stderr).toBe(0);
      tokens[name] = made.json().token;
    }
    serve = await startServe({ databaseUrl: db.url, cwd: home });
    process.env.FIREBREAK_SERVER = serve.url;
    for (const name of Object.keys(tokens)) {
      const login = await firebreak(home, ["login", serve.url, "--with-token"], { input: tokens[name]!, env: as(name) });
      expect(login.code, login.stderr).toBe(0);
    }
    // The fixture's clone works as carol, the commander, up to a release in production.
    process.env.XDG_CONFIG_HOME = join(home, "carol");
    f = await makeShipFixture({ ready: false });
    for (const step of [
      ["waive", "approval", "--reason", "card payments down for everyone; no second reviewer awake"],
      ["confirm", "oncall-notified"],
      ["confirm", "monitoring"],
      ["ship"],
    ]) {
      const r = await f.cli(step);
      expect(r.code, `${step.join(" ")}\n${r.stderr}`).toBe(0);
    }
    expect(f.svc.deploys()).toHaveLength(1);
  });
  afterAll(async () => {
    process.env = { ...saved };
    f?.cleanup();
    await serve?.stop();
    await db?.drop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("a responder's rollback is refused before 'Rolling back…', with who may and the command", async () => {
    const r = await f!.cli(["rollback", "--reason", "errors up"], as("alice"));
    expect(r.code).toBe(4);
    expect(r.stdout + r.stderr).not.toContain("Rolling back");
    expect(r.stderr.trimStart().startsWith("✖ alice is a responder")).toBe(true);
    expect(r.stderr).toContain("rolling back needs the commander role or above");
    expect(r.stderr).toMatch(new RegExp(`Next: ask someone with the commander role to run: firebreak rollback ${TICKET} --strategy \\w+`));
    expect(f!.svc.deploys()).toHaveLength(1);
  });

  it("a viewer's ship is refused before any merge, tag or deploy line", async () => {
    const r = await f!.cli(["ship"], as("vic"));
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimStart().startsWith("✖ vic is a viewer")).toBe(true);
    expect(r.stderr).toContain("needs the responder role or above");
    expect(r.stderr).toContain(`Next: ask someone with the responder role to run: firebreak ship --to production --ticket ${TICKET}`);
  });

  it("a responder's approval is refused before the forge says anything", async () => {
    const r = await f!.cli(["approve"], as("alice"));
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimStart().startsWith("✖ alice is a responder")).toBe(true);
    expect(r.stderr).toContain("approving a fix needs the approver role or above");
    expect(r.stderr).toContain(`Next: ask someone with the approver role to run: firebreak approve --ticket ${TICKET}`);
  });
});
