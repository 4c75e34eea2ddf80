// The server is never the reason a P0 cannot move: with the team server down, a step that needs
// the record's journal is taken with --offline --reason "…" on the clone's copy, the reason goes on
// the timeline, and the next command that reaches the server makes the same steps there exactly
// once (even when killed in the middle of the upload, or between keeping a step and taking it),
// then says what others did meanwhile. The real CLI, a real `firebreak serve` on PostgreSQL.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { startServe, type ServeProcess } from "../helpers/serve-process.js";
import { gitIn, makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { freshPgDatabase } from "./fixture.js";

interface LoggedEvent {
  kind: string;
  actor: string;
  data: Record<string, unknown>;
}

describe("steps taken with --offline while the team server is down (PostgreSQL, a real server process, two clones)", () => {
  let repo: GitFixture;
  let db: Awaited<ReturnType<typeof freshPgDatabase>>;
  let url = "";
  let homes: string;
  const tokens: Record<string, string> = {};
  const clone = { a: "", b: "" };
  const env = (who: "a" | "b") => ({ XDG_CONFIG_HOME: join(homes, who), FIREBREAK_ACTOR: `git-user-${who}` });
  const everything: string[] = [];
  const run = async (who: "a" | "b", args: string[], extra: Record<string, string> = {}, input?: string) => {
    const r = await firebreak(clone[who], args, { env: { ...env(who), ...extra }, ...(input !== undefined ? { input } : {}) });
    everything.push(r.stdout, r.stderr);
    return r;
  };
  const events = async (ticket: string): Promise<LoggedEvent[]> => {
    const log = await run("b", ["log", ticket, "--json"]);
    expect(log.code, log.stderr).toBe(0);
    return log.json().events as LoggedEvent[];
  };

  let serve: ServeProcess | undefined;
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
    for (const [name, role] of [
      ["alice", "responder"],
      ["bob", "approver"],
    ] as const) {
      const t = await firebreak(repo.root, ["token", "create", "--name", name, "--role", role, "--json"], {
        env: { FIREBREAK_DATABASE_URL: db.url },
      });
      expect(t.code, t.stderr).toBe(0);
      tokens[name] = t.json().token;
    }
    await startServer("0");
    expect((await run("a", ["login", url, "--with-token"], {}, tokens.alice)).code).toBe(0);
    expect((await run("b", ["login", url, "--with-token"], {}, tokens.bob)).code).toBe(0);
  });
  afterAll(async () => {
    await stopServer();
    await db?.drop();
    repo?.cleanup();
    if (homes) rmSync(homes, { recursive: true, force: true });
  });

  it("takes a step only with a reason, records the reason, and uploads each step exactly once after kills", async () => {
    const started = await run("a", ["start", "ENG-88", "payments double-charge", "--priority", "P1"]);
    expect(started.code, started.stderr).toBe(0);
    const port = new URL(url).port;
    await stopServer();

    // whoami, the way to check the server, says whose login is saved and how to look at the server.
    const who = await run("a", ["whoami"]);
    expect(who.code).toBe(9);
    expect(who.stderr).toContain("The login saved here is alice (responder, person).");
    expect(who.stderr).toContain(`curl -fsS ${url}/readyz`);
    expect(who.stderr).not.toContain("firebreak whoami");

    // Without --offline the step waits, and the refusal names the way on.
    const refused = await run("a", ["confirm", "reproduced", "--ticket", "ENG-88"]);
    expect(refused.code).toBe(9);
    expect(refused.stderr).toContain("needs the team server");
    expect(refused.stderr).toContain('--offline --reason "why"');
    // --offline alone is a usage mistake: the record must say why.
    const bare = await run("a", ["confirm", "reproduced", "--ticket", "ENG-88", "--offline"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("--offline needs a --reason");

    const why = "server down in the same outage; P1 cannot wait";
    const offline = await run("a", ["confirm", "reproduced", "--ticket", "ENG-88", "--offline", "--reason", why]);
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stderr).toContain(`Working without the team server, on this clone's offline record (why: ${why})`);

    // Killed after the step was kept and before it was taken here: it is still uploaded (the kept
    // call is what the server gets), never lost.
    const killed = await run("a", ["confirm", "fixed", "--ticket", "ENG-88", "--offline", "--reason", why], {
      FIREBREAK_CRASH_AT: "offline-journal:after-keep",
    });
    expect(killed.signal).toBe("SIGKILL");

    // A later command without --offline reads the steps taken offline too, and may add notes.
    const log = await run("a", ["log", "ENG-88"]);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toContain(`worked without the team server (firebreak confirm): ${why}`);
    expect(log.stdout).toContain("confirm.reproduced");
    const note = await run("a", ["note", "--ticket", "ENG-88", "refunds queued by hand"]);
    expect(note.code, note.stderr).toBe(0);
    // Still no lock or journal step without a reason.
    const again = await run("a", ["confirm", "happy-path", "--ticket", "ENG-88"]);
    expect(again.code).toBe(9);

    // An incident started while the server is down is started there later, with its branch's steps.
    const second = await run("a", ["start", "ENG-89", "refund emails missing", "--priority", "P2", "--offline", "--reason", why]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain("notes are kept here");
    gitIn(clone.a, ["checkout", "-q", "main"]);

    // A ticket this clone never read cannot be said not to exist, only to be missing from its copy.
    const unread = await run("a", ["status", "ENG-404"]);
    expect(unread.code).toBe(4);
    expect(unread.stderr).toContain("No incident found for ENG-404 in this clone's copy of the team's record");
    // A token from the environment with no login saved for it: offline steps would have no name.
    const nameless = await run("a", ["confirm", "happy-path", "--ticket", "ENG-88", "--offline", "--reason", why], {
      FIREBREAK_TOKEN: tokens.bob!,
    });
    expect(nameless.code, nameless.stderr).toBe(9);
    expect(nameless.stderr).toContain("no login for it is saved here (the token came from FIREBREAK_TOKEN)");

    await startServer(port);
    const meanwhile = await run("b", ["note", "--ticket", "ENG-88", "support sees no new double charges"]);
    expect(meanwhile.code, meanwhile.stderr).toBe(0);

    // Killed right after the server took the first step, before the clone crossed it off.
    const cut = await run("a", ["list"], { FIREBREAK_CRASH_AT: "offline-upload:after-upload" });
    expect(cut.signal).toBe("SIGKILL");
    const back = await run("a", ["list"]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toMatch(
      new RegExp(`Uploaded \\d+ events on ENG-88 recorded while the server did not answer \\(why: ${why.replace(/[;()]/g, "\\$&")}\\)`),
    );
    expect(back.stderr).toContain("Meanwhile on ENG-88:");
    expect(back.stderr).toContain("bob: note: support sees no new double charges");
    expect(back.stderr).toContain("events on ENG-89 recorded while the server did not answer");
    expect(back.stdout).toContain("ENG-89");

    const onServer = await events("ENG-88");
    const count = (pred: (e: LoggedEvent) => boolean) => onServer.filter(pred).length;
    expect(count((e) => e.kind === "confirm.reproduced")).toBe(1);
    expect(count((e) => e.kind === "confirm.fixed")).toBe(1);
    expect(count((e) => e.data.text === "refunds queued by hand")).toBe(1);
    const reasons = onServer.filter((e) => e.kind === "offline.started");
    expect(reasons.length).toBeGreaterThanOrEqual(1);
    expect(reasons.every((e) => e.actor === "alice" && e.data.reason === why)).toBe(true);
    expect(onServer.find((e) => e.kind === "confirm.reproduced")?.actor).toBe("alice");
    const uploadIds = onServer.map((e) => e.data.uploadId).filter((u) => typeof u === "string");
    expect(new Set(uploadIds).size).toBe(uploadIds.length);

    const started89 = await events("ENG-89");
    expect(started89[0]).toMatchObject({ kind: "incident.started", actor: "alice" });
    expect(started89.filter((e) => e.kind === "branch.pushed")).toHaveLength(1);

    // Nothing is left to upload, and the server's record is read again.
    const quiet = await run("a", ["status", "ENG-88"]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain("Uploaded");
    expect(quiet.stderr).not.toContain("did not answer");

    // --offline given while the server answers is said and not used.
    const needless = await run("a", ["confirm", "happy-path", "--ticket", "ENG-88", "--offline", "--reason", why]);
    expect(needless.code, needless.stderr).toBe(0);
    expect(needless.stderr).toContain("answered, so --offline is not used");
    expect((await events("ENG-88")).filter((e) => e.kind === "offline.started")).toHaveLength(reasons.length);

    for (const t of Object.values(tokens)) for (const text of everything) expect(text).not.toContain(t);
  });
});
