// The record on a team server through the CLI's RemoteStore, over real HTTP to a real server on
// SQLite and on PostgreSQL: two clients share one record, the server (not the client) decides who
// wrote what and who may, private incidents stay hidden, and two ships from two places cannot
// both hold the lock.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event } from "../../src/domain/events/index.js";
import type { Incident } from "../../src/domain/types.js";
import { startServer, type RunningServer } from "../../src/server/serve.js";
import { silentLogger } from "../../src/server/log.js";
import { RemoteStore } from "../../src/store/remote-store.js";
import { acquireLocks } from "../../src/ship/lock.js";
import { recordApproval } from "../../src/workflow/pr.js";
import { FirebreakError } from "../../src/errors.js";
import { freshPgDatabase, token } from "./fixture.js";

const at = () => new Date().toISOString();

/** The FirebreakError a call is refused with; fails the test when it succeeds or fails otherwise. */
async function caught(p: Promise<unknown>): Promise<FirebreakError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FirebreakError) return e;
    throw e;
  }
  throw new Error("expected a FirebreakError, the call succeeded");
}

async function start(client: RemoteStore, ticket: string, criteria = ["production-unavailable"]): Promise<Incident> {
  return client.createIncident(
    {
      ticket,
      title: `incident ${ticket}`,
      priority: "P1",
      criteria,
      discoveredAt: at(),
      deadlineAt: at(),
      branch: `hotfix/${ticket}`,
      base: "main",
      remote: "origin",
    },
    { at: at(), actor: "claimed-by-client", ...event("incident.started", { priority: "P1", criteria, summary: "started" }) },
  );
}

describe.each(["sqlite", "postgres"] as const)("the record on a team server (%s)", (kind) => {
  let server: RunningServer;
  let dir: string;
  let dropDb: (() => Promise<void>) | undefined;
  const clients: Record<string, RemoteStore> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "firebreak-remote-"));
    const env: NodeJS.ProcessEnv = {};
    if (kind === "postgres") {
      const db = await freshPgDatabase();
      env.FIREBREAK_DATABASE_URL = db.url;
      dropDb = db.drop;
    }
    server = await startServer({ env, sqlitePath: join(dir, "server.db"), host: "127.0.0.1", port: 0, log: silentLogger });
    const issue = async (name: string, role: Parameters<typeof token>[2], more: Parameters<typeof token>[3] = {}) =>
      (clients[name] = new RemoteStore({ url: server.url, token: await token(server.storage, name, role, more) }));
    await issue("alice", "responder");
    await issue("bob", "approver");
    await issue("vera", "viewer");
    await issue("cora", "commander");
    await issue("robo", "approver", { kind: "agent" });
  });
  afterAll(async () => {
    await server?.close();
    await dropDb?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shares one record between two clients, with the token's name as the actor whatever the client claimed", async () => {
    const inc = await start(clients.alice!, "ENG-1");
    const seen = await clients.bob!.findByTicket("ENG-1");
    expect(seen?.id).toBe(inc.id);
    await clients.bob!.appendEvent(inc.id, { at: at(), actor: "alice", ...event("note", { text: "bob was here", summary: "note" }) });
    const tl = await clients.alice!.timeline(inc.id);
    expect(tl.map((e) => [e.kind, e.actor])).toEqual([
      ["incident.started", "alice"],
      ["note", "bob"],
    ]);
    expect((await clients.vera!.verifyTimeline(inc.id)).ok).toBe(true);
  });

  it("refuses a viewer's write, an agent's approval, a responder's approval and an approval of one's own fix", async () => {
    const inc = await start(clients.alice!, "ENG-2");
    await clients.alice!.updateIncident(inc.id, { status: "pr-open", data: { pr: { number: 7, url: "git:hotfix/ENG-2", forge: "git" } } });
    await clients.bob!.appendEvent(inc.id, {
      at: at(),
      actor: "bob",
      ...event("commit.created", { sha: "b".repeat(40), subject: "fix: expiry", summary: "committed" }),
    });
    const note = { at: at(), actor: "vera", ...event("note", { text: "hi", summary: "note" }) };
    expect((await caught(clients.vera!.appendEvent(inc.id, note))).code).toBe("SERVER_FORBIDDEN");

    const current = (await clients.alice!.getIncident(inc.id))!;
    const approve = (client: RemoteStore, actor: string) =>
      caught(recordApproval({ store: client, clock: { now: () => new Date() }, actor }, current, { by: "someone else" }));
    // The core would refuse the agent itself; the server refuses it whatever the client sends.
    const agentDirect = await caught(
      clients.robo!.appendEvent(inc.id, { at: at(), actor: "robo", ...event("review.approved", { by: "robo", note: null, number: 7 }) }),
    );
    expect(agentDirect.code).toBe("PERSON_REQUIRED");
    expect((await approve(clients.alice!, "alice")).code).toBe("SERVER_FORBIDDEN");
    const own = await approve(clients.bob!, "bob");
    expect(own.code).toBe("SERVER_FORBIDDEN");
    expect(own.message).toContain("commit of ENG-2's fix");

    // Cora is a commander (above approver) and made no commit: her approval stands, in her name.
    const ok = await recordApproval({ store: clients.cora!, clock: { now: () => new Date() }, actor: "cora" }, current, { by: "mallory" });
    expect(ok.number).toBe(7);
    const approved = (await clients.vera!.timeline(inc.id)).find((e) => e.kind === "review.approved")!;
    expect(approved.actor).toBe("cora");
    expect(approved.data.by).toBe("cora");

    const audit = await server.storage.records.auditLog();
    expect(audit.filter((a) => a.action === "refused").map((a) => a.actor)).toEqual(
      expect.arrayContaining(["vera", "robo", "alice", "bob"]),
    );
    expect(audit.some((a) => a.action === "approval" && a.actor === "cora")).toBe(true);
  });

  it("keeps a private incident from non-members on every read, and makes its starter a member", async () => {
    const inc = await start(clients.alice!, "SEC-1", ["data-exposure"]);
    expect((await clients.alice!.getIncident(inc.id))?.ticket).toBe("SEC-1");
    expect(await clients.bob!.getIncident(inc.id)).toBeUndefined();
    expect(await clients.bob!.findByTicket("SEC-1")).toBeUndefined();
    expect(await clients.bob!.findByBranch("hotfix/SEC-1")).toBeUndefined();
    expect((await clients.bob!.listIncidents({ all: true })).map((i) => i.ticket)).not.toContain("SEC-1");
    expect((await caught(clients.bob!.timeline(inc.id))).code).toBe("NO_INCIDENT");
    expect((await caught(clients.bob!.listEffects(inc.id))).code).toBe("NO_INCIDENT");
    const note = { at: at(), actor: "bob", ...event("note", { text: "peek", summary: "note" }) };
    expect((await caught(clients.bob!.appendEvent(inc.id, note))).code).toBe("NO_INCIDENT");
    expect((await clients.cora!.findByTicket("SEC-1"))?.id).toBe(inc.id);
    // A second incident under the same ticket would catch the members' notes: refused like any
    // ticket in progress, naming nothing of the private one.
    const dup = await caught(start(clients.bob!, "SEC-1"));
    expect(dup.code).toBe("TICKET_IN_PROGRESS");
    expect(dup.message).toBe("SEC-1 is already in progress on this server.");
    expect((await clients.cora!.listIncidents({ all: true })).filter((i) => i.ticket === "SEC-1")).toHaveLength(1);
  });

  it("lets exactly one of two ships hold the incident's lock, names the holder to the other, and keeps rollback for commanders", async () => {
    await start(clients.alice!, "ENG-3");
    const names = ["incident-ENG-3", "env-production"];
    const who = (actor: string) => ({ actor, command: "ship --to production", ticket: "ENG-3" });
    const results = await Promise.allSettled([
      acquireLocks(clients.alice!, names, who("alice"), new Date()),
      acquireLocks(clients.cora!, names, who("cora"), new Date()),
    ]);
    const held = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(held).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason.code).toBe("LOCKED");
    const holder = (await clients.vera!.listLeases()).find((l) => l.name === "incident-ENG-3")!;
    expect(refused[0]!.reason.message).toContain(`run by ${holder.actor}`);
    await (held[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLocks>>>).value.release();

    const rollback = { actor: "alice", command: "rollback --strategy previous", ticket: "ENG-3" };
    expect((await caught(acquireLocks(clients.alice!, names, rollback, new Date()))).code).toBe("SERVER_FORBIDDEN");
    const byCommander = await acquireLocks(clients.cora!, names, { ...rollback, actor: "cora" }, new Date());
    await byCommander.release();
  });

  it("never keeps or shows a token a note quotes, though only its owner's process knows it", async () => {
    const secret = await token(server.storage, "dave", "responder");
    const dave = new RemoteStore({ url: server.url, token: secret });
    const inc = await start(dave, "ENG-9");
    await dave.appendEvent(inc.id, { at: at(), actor: "dave", ...event("note", { text: `oops ${secret} pasted`, summary: "note" }) });
    const seen = (await clients.bob!.timeline(inc.id)).at(-1)!;
    expect(seen.data.text).toBe("oops **** pasted");
    const rows = JSON.stringify(await server.storage.store.timeline(inc.id));
    expect(rows).not.toContain(secret.slice(4, 24));
  });

  it("says the server did not answer, and what to do, when it is unreachable", async () => {
    const gone = new RemoteStore({ url: "http://127.0.0.1:9", token: "fbk_x", timeoutMs: 5_000 });
    const e = await caught(gone.listIncidents({ all: false }));
    expect(e.code).toBe("SERVER_UNREACHABLE");
    expect(e.message).toContain("http://127.0.0.1:9 did not answer");
    expect(e.next).toContain("--offline --reason");
  });

  it("names the server and the login that takes a new token when the saved one is unknown there", async () => {
    const stale = new RemoteStore({ url: server.url, token: `fbk_${"x".repeat(43)}` });
    const e = await caught(stale.listIncidents({ all: false }));
    expect(e.code).toBe("SERVER_UNAUTHENTICATED");
    expect(e.message).toContain(`the token this clone uses for ${server.url}`);
    expect(e.next).toContain(`firebreak login ${server.url}`);
  });
});
