import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import { LATEST_VERSION, MIGRATIONS, migrate } from "../../src/store/migrations.js";
import { openPostgresBackend } from "../../src/store/postgres.js";
import { openSqliteBackend } from "../../src/store/sqlite.js";
import type { Backend } from "../../src/store/backend.js";
import { BACKENDS, event, newIncident, type BackendHandle } from "./backends.js";

function backendFor(handle: BackendHandle): Backend {
  const o = handle.options;
  return "sqlitePath" in o ? openSqliteBackend(o.sqlitePath) : openPostgresBackend(o.postgresUrl, o.schema);
}

describe.each(BACKENDS)("migrations on $name", (factory) => {
  let handle: BackendHandle;
  beforeEach(async () => {
    handle = await factory.setup();
  });
  afterEach(async () => {
    await handle?.cleanup();
  });

  it("apply once, and running them again changes nothing", async () => {
    const store = await openStore(handle.options);
    const inc = await store.createIncident(newIncident(), event("incident.started"));
    await store.close();

    const backend = backendFor(handle);
    try {
      expect(await migrate(backend)).toEqual([]);
      expect(await migrate(backend)).toEqual([]);
      const rows = await backend.db.selectFrom("firebreak_migrations").select("version").orderBy("version").execute();
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await backend.db.destroy();
    }

    const reopened = await openStore(handle.options);
    try {
      expect((await reopened.getIncident(inc.id))?.ticket).toBe("ENG-1234");
      expect((await reopened.verifyTimeline(inc.id)).ok).toBe(true);
    } finally {
      await reopened.close();
    }
  });

  it("2 gives a database written before it the head of each timeline, so a cut-off tail shows", async () => {
    const store = await openStore(handle.options);
    const inc = await store.createIncident(newIncident(), event("incident.started"));
    for (let i = 0; i < 4; i++) await store.appendEvent(inc.id, event("note", { text: `note ${i}`, n: i }));
    await store.close();
    // Back to how version 1 left it.
    await handle.exec("alter table incidents drop column head_seq", []);
    await handle.exec("alter table incidents drop column head_hash", []);
    await handle.exec("delete from firebreak_migrations where version = ?", [2]);

    const upgraded = await openStore(handle.options);
    try {
      expect(await upgraded.verifyTimeline(inc.id)).toEqual({ ok: true, checked: 5 });
      await handle.exec("delete from timeline_events where incident_id = ? and seq = ?", [inc.id, 5]);
      expect(await upgraded.verifyTimeline(inc.id)).toMatchObject({ ok: false, problem: { seq: 5, reason: "deleted" } });
    } finally {
      await upgraded.close();
    }
  });

  it("two opens at the same moment both succeed on a fresh database", async () => {
    const stores = await Promise.all([openStore(handle.options), openStore(handle.options), openStore(handle.options)]);
    try {
      const inc = await stores[0]!.createIncident(newIncident(), event("incident.started"));
      expect((await stores[2]!.getIncident(inc.id))?.id).toBe(inc.id);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const backend = backendFor(handle);
    try {
      const rows = await backend.db.selectFrom("firebreak_migrations").select("version").execute();
      expect(rows).toHaveLength(MIGRATIONS.length);
    } finally {
      await backend.db.destroy();
    }
  });

  it("refuses a database written by a newer firebreak", async () => {
    await (await openStore(handle.options)).close();
    await handle.exec("insert into firebreak_migrations (version, name, applied_at) values (?, ?, ?)", [
      LATEST_VERSION + 1,
      "future",
      "2030-01-01T00:00:00Z",
    ]);
    await expect(openStore(handle.options)).rejects.toMatchObject({ code: "STORE_TOO_NEW" });
  });
});
