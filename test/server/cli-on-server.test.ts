// The real CLI against a real `firebreak serve` process on PostgreSQL, from two clones of one
// repository on "two machines" (two config homes): login saves the token for its user alone and
// points the clone at the server; an incident started in one clone is seen, noted and followed
// from the other, each write in its token's name; the token never shows; logout goes back to the
// clone's own record; and a server that does not answer is said, with the way to keep working.

import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { startServe, type ServeProcess } from "../helpers/serve-process.js";
import { gitIn, makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { freshPgDatabase } from "./fixture.js";

describe("the CLI on a team server (PostgreSQL, a real server process, two clones)", () => {
  let repo: GitFixture;
  let db: Awaited<ReturnType<typeof freshPgDatabase>>;
  let url = "";
  let homes: string;
  const tokens: Record<string, string> = {};
  const clone = { a: "", b: "" };
  const env = (who: "a" | "b") => ({ XDG_CONFIG_HOME: join(homes, who), FIREBREAK_ACTOR: `git-user-${who}` });
  const everything: string[] = [];
  const run = async (who: "a" | "b", args: string[], input?: string) => {
    const r = await firebreak(clone[who], args, { env: env(who), ...(input !== undefined ? { input } : {}) });
    everything.push(r.stdout, r.stderr);
    return r;
  };

  let serve: ServeProcess | undefined;
  /** `firebreak serve` as a real process, on the port it had when `port` is given. */
  async function startServer(port: string) {
    serve = await startServe({ databaseUrl: db.url, cwd: repo.root, port });
    url = serve.url;
  }
  const stopServer = async () => serve?.stop();

  beforeAll(async () => {
    db = await freshPgDatabase();
    repo = makeRepo();
    homes = mkdtempSync(join(tmpdir(), "firebreak-homes-"));
    clone.a = repo.work;
    clone.b = join(repo.root, "second");
    gitIn(repo.root, ["clone", "-q", repo.origin, clone.b]);
    const dbEnv = { FIREBREAK_DATABASE_URL: db.url };
    for (const [name, role] of [
      ["alice", "responder"],
      ["bob", "approver"],
    ] as const) {
      const t = await firebreak(repo.root, ["token", "create", "--name", name, "--role", role, "--json"], { env: dbEnv });
      expect(t.code, t.stderr).toBe(0);
      tokens[name] = t.json().token;
    }
    await startServer("0");
  });
  afterAll(async () => {
    await stopServer();
    await db?.drop();
    repo?.cleanup();
    if (homes) rmSync(homes, { recursive: true, force: true });
  });

  it("works one incident from two clones, each write in its token's name", async () => {
    const la = await run("a", ["login", url, "--with-token"], `${tokens.alice}\n`);
    expect(la.code, la.stderr).toBe(0);
    expect(la.stdout).toContain(`Logged in to ${url} as alice (responder, person)`);
    const saved = join(homes, "a", "firebreak", "credentials.json");
    expect(statSync(saved).mode & 0o777).toBe(0o600);
    expect(readFileSync(saved, "utf8")).toContain(tokens.alice);
    const lb = await run("b", ["login", url, "--with-token"], tokens.bob);
    expect(lb.code, lb.stderr).toBe(0);

    const started = await run("a", ["start", "ENG-77", "checkout fails for every card", "--priority", "P1"]);
    expect(started.code, started.stderr).toBe(0);
    // The branch and its push are this clone's; the record is the team's.
    expect(gitIn(clone.a, ["branch", "--show-current"])).toMatch(/^hotfix\/ENG-77/);

    const listed = await run("b", ["list", "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.stringify(listed.json())).toContain("ENG-77");
    const noted = await run("b", ["note", "--ticket", "ENG-77", "reproduced on staging with a test card"]);
    expect(noted.code, noted.stderr).toBe(0);
    expect(noted.stdout).not.toContain("kept here");

    const log = await run("a", ["log", "ENG-77", "--json"]);
    expect(log.code, log.stderr).toBe(0);
    const events = log.json().events as { kind: string; actor: string; data: { text?: string } }[];
    expect(events.find((e) => e.kind === "incident.started")?.actor).toBe("alice");
    expect(events.find((e) => e.kind === "note")).toMatchObject({ actor: "bob", data: { text: "reproduced on staging with a test card" } });

    const status = await run("b", ["status", "ENG-77"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("ENG-77");

    const who = await run("b", ["whoami"]);
    expect(who.stdout).toContain(`bob (approver, person) on ${url}`);

    // An agent in a clone logged in with a person's token would act as that person: refused.
    const mcp = await run("b", ["mcp"]);
    expect(mcp.code).toBe(4);
    expect(mcp.stderr).toContain("an agent would approve and waive as bob there");
    expect(mcp.stderr).toContain("--kind agent");

    // Neither token ever appears in anything the CLI printed.
    for (const t of Object.values(tokens)) for (const text of everything) expect(text).not.toContain(t);
  });

  it("keeps working from the clone's copy when the server does not answer, and uploads a kept note exactly once, even after a kill", async () => {
    const port = new URL(url).port;
    await stopServer();

    const status = await run("a", ["status", "ENG-77"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("ENG-77");
    expect(status.stderr).toContain(`The team server at ${url} did not answer`);
    expect(status.stderr).toContain("Working from this clone's copy of the record, read");

    const kept = await run("a", ["note", "--ticket", "ENG-77", "flag turned off by hand"]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stderr).toContain("notes are kept here and uploaded by the next command that reaches the server");
    expect(status.stderr).toContain('Any other step waits for the server, or is taken now with --offline --reason "why".');
    expect(kept.stdout).toContain("Noted on ENG-77");
    expect(kept.stdout).toContain("kept here, and uploaded by the next command that reaches the team server");
    // Kept too, though the server will refuse it when it is back: over its body limit.
    const huge = await run("a", ["note", "--ticket", "ENG-77", "x".repeat(70_000)]);
    expect(huge.code, huge.stderr).toBe(0);
    const log = await run("a", ["log", "ENG-77"]);
    expect(log.stdout).toContain("flag turned off by hand (kept here; not yet on the server)");

    // A step that needs a lock or the journal waits for the server: two machines must not both decide.
    const confirm = await run("a", ["confirm", "reproduced", "--ticket", "ENG-77"]);
    expect(confirm.code).toBe(9);
    expect(confirm.stderr).toContain("needs the team server");

    await startServer(port);
    const meanwhile = await run("b", ["note", "--ticket", "ENG-77", "customers confirm checkout works again"]);
    expect(meanwhile.code, meanwhile.stderr).toBe(0);

    // Killed right after the server took the note, before the clone crossed it off: the next run
    // uploads it again and the server answers with the one it has.
    const killed = await firebreak(clone.a, ["status", "ENG-77"], { env: { ...env("a"), FIREBREAK_CRASH_AT: "outbox:after-upload" } });
    expect(killed.signal).toBe("SIGKILL");
    const back = await run("a", ["status", "ENG-77"]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toContain("Uploaded 1 note on ENG-77 written while the server did not answer.");
    expect(back.stderr).toContain("Meanwhile on ENG-77:");
    expect(back.stderr).toContain("bob: note: customers confirm checkout works again");
    // The note the server refused (over its size limit) was set aside and held nothing up.
    expect(back.stderr).toContain("The server refused a note kept on ENG-77");
    expect(back.stderr).toContain("nothing else was held up");

    const after = await run("b", ["log", "ENG-77", "--json"]);
    const texts = (after.json().events as { actor: string; data: { text?: string } }[]).filter(
      (e) => e.data.text === "flag turned off by hand",
    );
    expect(texts).toHaveLength(1);
    expect(texts[0]!.actor).toBe("alice");
    const again = await run("a", ["status", "ENG-77"]);
    expect(again.stderr).not.toContain("Uploaded");
  });

  it("uploads a kept note only in its writer's name: after a login as someone else it waits", async () => {
    const port = new URL(url).port;
    await stopServer();
    expect((await run("a", ["note", "--ticket", "ENG-77", "alice kept this"])).code).toBe(0);
    await startServer(port);
    const asBob = await run("a", ["login", url, "--with-token"], tokens.bob);
    expect(asBob.code, asBob.stderr).toBe(0);
    const waits = await run("a", ["status", "ENG-77"]);
    expect(waits.stderr).toContain("was written by alice, and this clone now writes as bob");
    const texts = async () =>
      ((await run("b", ["log", "ENG-77", "--json"])).json().events as { actor: string; data: { text?: string } }[]).filter(
        (e) => e.data.text === "alice kept this",
      );
    expect(await texts()).toHaveLength(0);
    expect((await run("a", ["login", url, "--with-token"], tokens.alice)).code).toBe(0);
    const goes = await run("a", ["status", "ENG-77"]);
    expect(goes.stderr).toContain("Uploaded 1 note on ENG-77");
    expect((await texts()).map((e) => e.actor)).toEqual(["alice"]);
  });

  it("goes back to the clone's own record on logout", async () => {
    const out = await run("a", ["logout"]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`Logged out of ${url}`);
    const local = await run("a", ["list", "--json"]);
    expect(local.code, local.stderr).toBe(0);
    expect(JSON.stringify(local.json())).not.toContain("ENG-77");
    expect(readFileSync(join(homes, "a", "firebreak", "credentials.json"), "utf8")).not.toContain(tokens.alice);
  });
});
