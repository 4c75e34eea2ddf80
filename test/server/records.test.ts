// The server's tables on a fresh PostgreSQL database: migrations started by several replicas at
// once apply once, and concurrent audit appends keep one unbroken chain.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openServerStore, type ServerStore } from "../../src/store/open-server-store.js";
import { freshPgDatabase } from "./fixture.js";

describe("server records on PostgreSQL", () => {
  let db: Awaited<ReturnType<typeof freshPgDatabase>>;
  const opened: ServerStore[] = [];
  beforeAll(async () => {
    db = await freshPgDatabase();
  });
  afterAll(async () => {
    for (const s of opened) await s.close().catch(() => undefined);
    await db?.drop();
  });

  it("applies the migrations once when five replicas open a new database at the same moment", async () => {
    const all = await Promise.all(Array.from({ length: 5 }, () => openServerStore({ postgresUrl: db.url })));
    opened.push(...all);
    for (const s of all) expect(await s.records.ready()).toBe(true);
    // Every replica's migrate() now finds nothing left to do.
    const again = await Promise.all(all.map((s) => s.records.migrate()));
    expect(again).toEqual([[], [], [], [], []]);
  });

  it("keeps one unbroken audit chain when replicas append at once", async () => {
    const [a, b, c] = opened;
    await Promise.all(Array.from({ length: 30 }, (_, i) => [a, b, c][i % 3]!.records.audit(`actor-${i}`, "test", `t${i}`, { i })));
    const log = await a!.records.auditLog();
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(await b!.records.verifyAudit()).toEqual({ ok: true, checked: 30 });
  });
});
