// `firebreak approve` on a team server (a real `firebreak serve` process on a SQLite file): the
// approval is the token holder's own, so --by may be left out, another person's name is refused,
// and a repeat of the same approval is recorded once.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, firebreak } from "../helpers/cli.js";
import { gitIn, makeRepo, type GitFixture } from "../helpers/git-fixture.js";

describe("firebreak approve on a team server", () => {
  let repo: GitFixture;
  let server: ChildProcess;
  let dir = "";
  let url = "";
  const clone = { a: "", b: "" };
  const tokens: Record<string, string> = {};
  const env = (who: "a" | "b") => ({ XDG_CONFIG_HOME: join(dir, `home-${who}`), FIREBREAK_ACTOR: `git-user-${who}` });
  const run = (who: "a" | "b", args: string[], input?: string) =>
    firebreak(clone[who], args, { env: env(who), ...(input !== undefined ? { input } : {}) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "firebreak-approve-srv-"));
    const data = join(dir, "server.db");
    repo = makeRepo();
    repo.commit("chore: config", { ".firebreak.yml": 'checks:\n  test: "node -e 0"\n' });
    repo.git("push", "-q", "origin", "main");
    clone.a = repo.work;
    clone.b = join(repo.root, "second");
    gitIn(repo.root, ["clone", "-q", repo.origin, clone.b]);
    const admin = await firebreak(repo.root, ["serve", "--data", data, "--init-admin"]);
    expect(admin.code, admin.stderr).toBe(0);
    for (const [name, role] of [
      ["alice", "responder"],
      ["bob", "approver"],
    ] as const) {
      const t = await firebreak(repo.root, ["token", "create", "--data", data, "--name", name, "--role", role, "--json"]);
      expect(t.code, t.stderr).toBe(0);
      tokens[name] = t.json().token;
    }
    server = spawn(process.execPath, [CLI, "serve", "--data", data, "--port", "0"], {
      cwd: repo.root,
      env: { ...process.env, FIREBREAK_DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
      server.stdout!.on("data", (b: Buffer) => {
        out += b.toString();
        const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line).url);
        }
      });
    });
    expect((await run("a", ["login", url, "--with-token"], tokens.alice)).code).toBe(0);
    expect((await run("b", ["login", url, "--with-token"], tokens.bob)).code).toBe(0);
    expect((await run("a", ["start", "ENG-21", "checkout fails for every card", "--priority", "P1"])).code).toBe(0);
    repo.write("src/checkout.js", "export const pay = (card) => card.number.length === 16;\n");
    repo.git("add", "-A");
    const c = await run("a", ["commit", "--what", "every card refused", "--root-cause", "length compared with 15"]);
    expect(c.code, c.stderr).toBe(0);
    const pr = await run("a", ["pr"]);
    expect(pr.code, pr.stderr).toBe(0);
  });
  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.on("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    repo?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("records the token holder's approval once, without --by, and refuses another person's name", async () => {
    const forged = await run("b", ["approve", "--ticket", "ENG-21", "--by", "mallory"]);
    expect(forged.code).not.toBe(0);
    expect(forged.stdout).not.toContain("Recorded");
    expect(forged.stderr).toContain("logged in as bob");
    expect(forged.stderr).toContain("mallory");

    const own = await run("b", ["approve", "--ticket", "ENG-21"]);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).toContain("Recorded bob's approval");

    const again = await run("b", ["approve", "--ticket", "ENG-21", "--by", "bob"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("already recorded");

    const log = (await run("a", ["log", "ENG-21", "--json"])).json();
    const approvals = log.events.filter((e: { kind: string }) => e.kind === "review.approved");
    expect(approvals).toHaveLength(1);
    expect(approvals[0].data.by).toBe("bob");
    expect(JSON.stringify(log)).not.toContain("mallory");
  });
});
