// A server database from before teams (record schema 3, server schema 3), made by the migrations
// of that time and written as that version wrote it, upgrades at the next start: every row is the
// 'default' team's, its tokens still sign in, its audit chain still verifies and goes on, and its
// locks still hold. Then a second team added beside it sees none of it.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { event } from "../../src/domain/events/index.js";
import type { Backend } from "../../src/store/backend.js";
import { KyselyStore } from "../../src/store/kysely-store.js";
import { migrate } from "../../src/store/migrations.js";
import { openPostgresBackend } from "../../src/store/postgres.js";
import { auditHash, ServerRecords, tokenHash } from "../../src/store/server-records.js";
import { openSqliteBackend } from "../../src/store/sqlite.js";
import { silentLogger } from "../../src/server/log.js";
import { startServer } from "../../src/server/serve.js";
import { freshPgDatabase } from "./fixture.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function database(kind: "sqlite" | "postgres"): Promise<{ backend: () => Backend; env: Record<string, string>; sqlitePath: string }> {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-teams-upgrade-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const sqlitePath = join(dir, "server.db");
  if (kind === "sqlite") return { backend: () => openSqliteBackend(sqlitePath), env: {}, sqlitePath };
  const db = await freshPgDatabase();
  cleanups.push(() => db.drop());
  return { backend: () => openPostgresBackend(db.url), env: { FIREBREAK_DATABASE_URL: db.url }, sqlitePath };
}

describe.each(["sqlite", "postgres"] as const)("a server database from before teams (%s)", (kind) => {
  it("upgrades with every row in the 'default' team, its tokens working and its audit chain intact", async () => {
    const d = await database(kind);
    const old = d.backend();
    // The schema as the previous release left it: record migrations 1–3, server migrations 1–3.
    expect(await migrate(old, () => new Date(), 3)).toEqual([1, 2, 3]);
    expect(await new ServerRecords(old).migrate(3)).toEqual([1, 2, 3]);
    // Rows as that release wrote them (no team column anywhere yet).
    const record = new KyselyStore(old);
    const at = new Date().toISOString();
    const inc = await record.createIncident(
      {
        ticket: "ENG-1",
        title: "checkout down",
        priority: "P1",
        criteria: ["production-unavailable"],
        discoveredAt: at,
        deadlineAt: at,
        branch: "hotfix/ENG-1",
        base: "main",
        remote: "origin",
      },
      { at, actor: "dev", ...event("incident.started", { priority: "P1", criteria: ["production-unavailable"], summary: "started" }) },
    );
    await record.appendEvent(inc.id, { at, actor: "dev", ...event("note", { text: "before teams", summary: "n" }) });
    const secret = "fbk_from-before-teams-0123456789abcdefghijklmnopq";
    const db = old.db as unknown as import("kysely").Kysely<any>;
    await db
      .insertInto("api_tokens")
      .values({
        id: "tok_old",
        name: "olga",
        role: "commander",
        kind: "person",
        hash: tokenHash(secret),
        created_at: at,
        expires_at: null,
        incident_scope: null,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    let prev = "";
    for (const seq of [1, 2]) {
      const e = { seq, at, actor: "operator", action: "token.created", target: "tok_old", data: { n: seq } };
      const hash = auditHash(prev, e);
      await db
        .insertInto("audit_log")
        .values({ ...e, data: JSON.stringify(e.data), prev_hash: prev, hash })
        .execute();
      prev = hash;
    }
    await db
      .insertInto("leases")
      .values({
        name: "incident-ENG-1",
        holder: "lk_old",
        token: 7,
        actor: "olga",
        command: "ship",
        ticket: "ENG-1",
        host: "h",
        pid: 1,
        since: at,
        expires_at: new Date(Date.now() + 600_000).toISOString(),
        deploy: null,
      })
      .execute();
    await record.close();

    // The next start upgrades it.
    const server = await startServer({ env: d.env, sqlitePath: d.sqlitePath, host: "127.0.0.1", port: 0, log: silentLogger });
    cleanups.push(() => server.close());
    const me = await fetch(`${server.url}/whoami`, { headers: { authorization: `Bearer ${secret}` } });
    expect(await me.json()).toEqual({ name: "olga", role: "commander", kind: "person", team: "default" });
    const list = (await (await fetch(`${server.url}/incidents?all=true`, { headers: { authorization: `Bearer ${secret}` } })).json()) as {
      incidents: { id: string }[];
    };
    expect(list.incidents.map((i) => i.id)).toEqual([inc.id]);
    const st = server.storage;
    expect(await st.store.verifyTimeline(inc.id)).toEqual({ ok: true, checked: 2 });
    expect((await st.store.listLeases()).map((l) => [l.name, l.id, l.token])).toEqual([["incident-ENG-1", "lk_old", 7]]);
    // The old chain verifies, and the next entry goes on from it.
    expect(await st.records.verifyAudit()).toEqual({ ok: true, checked: 2 });
    expect((await st.records.audit("olga", "member.added", inc.id)).seq).toBe(3);
    expect(await st.records.verifyAudit()).toEqual({ ok: true, checked: 3 });
    // The lock taken before the upgrade still holds in its team, and only there.
    const ask = (id: string) => ({
      id,
      names: ["incident-ENG-1"],
      holder: { actor: "x", command: "ship", ticket: "ENG-1", host: "h", pid: 2 },
      now: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      canTakeOver: () => false,
    });
    expect(await st.store.acquireLeases(ask("lk_new"))).toMatchObject({ ok: false, held: { id: "lk_old" } });
    const other = st.store.forTeam("bravo");
    expect(await other.acquireLeases(ask("lk_bravo"))).toMatchObject({ ok: true });
    // A team added beside it sees none of it.
    expect(await other.listIncidents({ all: true })).toEqual([]);
    expect(await other.getIncident(inc.id)).toBeUndefined();
    expect(await other.timeline(inc.id)).toEqual([]);
    expect(await st.records.forTeam("bravo").listTokens()).toEqual([]);
    expect(await st.records.forTeam("bravo").auditLog()).toEqual([]);
  });
});
