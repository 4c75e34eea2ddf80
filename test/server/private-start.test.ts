// Starting an incident beside a private one, with the real CLI against a real `firebreak serve`
// process (SQLite): a non-member's start of a ticket a private incident holds is refused like any
// ticket in progress, naming nothing of that incident (not its title, id, branch, level, starter
// or time, and no "not a member"); the private incident's branch carries no title; and criteria
// typed in any case make the incident private.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { startServe, type ServeProcess } from "../helpers/serve-process.js";
import { gitIn, makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { openStorage, token, type Storage } from "./fixture.js";

const TITLE = "session tokens readable by other tenants";

describe("a start beside a private incident (a real server process, SQLite, two clones)", () => {
  let repo: GitFixture;
  let s: Storage;
  let serve: ServeProcess;
  let homes: string;
  const tokens: Record<string, string> = {};
  const clone: Record<string, string> = {};
  const run = (who: string, args: string[], input?: string) =>
    firebreak(clone[who]!, args, {
      env: { XDG_CONFIG_HOME: join(homes, who) },
      ...(input !== undefined ? { input } : {}),
    });
  const post = async (who: string, method: string, args: unknown[]) => {
    const res = await fetch(`${serve.url}/store/${method}`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens[who]}`, "content-type": "application/json" },
      body: JSON.stringify({ args }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    s = await openStorage("sqlite");
    for (const [name, role] of [
      ["alice", "responder"],
      ["bob", "responder"],
    ] as const)
      tokens[name] = await token(s.storage, name, role);
    await s.storage.close();
    repo = makeRepo();
    homes = mkdtempSync(join(tmpdir(), "firebreak-homes-"));
    clone.alice = repo.work;
    clone.bob = join(repo.root, "second");
    gitIn(repo.root, ["clone", "-q", repo.origin, clone.bob]);
    serve = await startServe({ sqlitePath: s.sqlitePath, cwd: repo.root });
    for (const who of ["alice", "bob"]) {
      const login = await run(who, ["login", serve.url, "--with-token"], tokens[who]);
      expect(login.code, login.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await serve?.stop();
    repo?.cleanup();
    if (homes) rmSync(homes, { recursive: true, force: true });
    await s?.cleanup().catch(() => undefined);
  });

  it("refuses a non-member's start of a private incident's ticket like any ticket in progress, saying nothing of it", async () => {
    const started = await run("alice", ["start", "SEC-1", TITLE, "--criteria", "data-exposure", "--json"]);
    expect(started.code, started.stderr).toBe(0);
    const secret = started.json().incident as { id: string; branch: string; createdAt: string };
    // Its branch is pushed where everyone with the repository reads it: the ticket and a tag, no title.
    expect(secret.branch).toMatch(/^hotfix\/SEC-1-[0-9a-f]{8}$/);
    expect(gitIn(repo.root, ["--git-dir", repo.origin, "branch", "--list", "hotfix/*"])).toBe(secret.branch);

    const visible = await run("alice", ["start", "PUB-1", "checkout fails", "--priority", "P1"]);
    expect(visible.code, visible.stderr).toBe(0);
    gitIn(clone.alice!, ["switch", "-q", "main"]);
    const seenDuplicate = await run("bob", ["start", "PUB-1", "checkout fails again", "--priority", "P1"]);
    gitIn(clone.bob!, ["switch", "-q", "main"]);

    for (const title of ["anything else", TITLE]) {
      const dup = await run("bob", ["start", "SEC-1", title, "--priority", "P1"]);
      gitIn(clone.bob!, ["switch", "-q", "main"]);
      // The same refusal (exit code) as a duplicate bob may see, in words that name only the ticket.
      expect(dup.code).toBe(seenDuplicate.code);
      expect(dup.stderr).toContain("SEC-1 is already in progress on this server.");
      for (const secretPart of [TITLE, secret.id, secret.branch, secret.createdAt.slice(0, 16), "alice", "member", "may not see", "P0"])
        expect(dup.stderr + dup.stdout).not.toContain(secretPart);
    }

    // The same over the wire: 409 TICKET_IN_PROGRESS, as for a visible duplicate, never 403.
    const at = new Date().toISOString();
    const input = (ticket: string) => [
      {
        ticket,
        title: "x",
        priority: "P1",
        criteria: [],
        discoveredAt: at,
        deadlineAt: at,
        branch: `hotfix/${ticket}-x`,
        base: "main",
        remote: "origin",
      },
      { at, actor: "bob", kind: "incident.started", data: { priority: "P1", criteria: [], summary: "started" } },
    ];
    const hidden = await post("bob", "createIncident", input("SEC-1"));
    const seen = await post("bob", "createIncident", input("PUB-1"));
    expect([hidden.status, hidden.body.error.code]).toEqual([409, "TICKET_IN_PROGRESS"]);
    expect([seen.status, seen.body.error.code]).toEqual([409, "TICKET_IN_PROGRESS"]);
    expect(JSON.stringify(hidden.body)).not.toMatch(new RegExp(`${secret.id}|${secret.branch}|${TITLE}|alice`));
    // Still one SEC-1, alice's; and bob's attempts are on the audit log for the commanders.
    expect((await post("alice", "listIncidents", [{ all: true }])).body.result.filter((i: any) => i.ticket === "SEC-1")).toHaveLength(1);
    const { default: Sqlite } = await import("better-sqlite3");
    const db = new Sqlite(s.sqlitePath, { readonly: true });
    const refused = db
      .prepare("select data from audit_log where actor = 'bob' and action = 'refused' and target = 'store.createIncident'")
      .all();
    db.close();
    expect(refused.length).toBeGreaterThanOrEqual(3);
  });

  it("makes an incident private whatever the case its criteria are typed in", async () => {
    const started = await run("bob", ["start", "SEC-2", "tenant data in exports", "--criteria", "Data-Exposure", "--no-push", "--json"]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.json().incident.criteria).toEqual(["data-exposure"]);
    expect(started.json().incident.branch).toMatch(/^hotfix\/SEC-2-[0-9a-f]{8}$/);
    gitIn(clone.bob!, ["switch", "-q", "main"]);
    const list = await run("alice", ["list", "--all", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).not.toContain("SEC-2");
  });
});
