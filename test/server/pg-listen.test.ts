// The LISTEN connection behind cross-replica wake-ups: a NOTIFY reaches it, and when the database
// ends the connection (a restart, a failover, an administrator's pg_terminate_backend) it comes
// back by itself, says so, and wakes its owner once for whatever was sent while it was away.

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENTS_CHANNEL, pgListen, type Listener } from "../../src/store/pg-listen.js";
import { freshPgDatabase } from "./fixture.js";

describe("pgListen", () => {
  let db: Awaited<ReturnType<typeof freshPgDatabase>>;
  let admin: pg.Client;
  let listener: Listener | undefined;

  beforeAll(async () => {
    db = await freshPgDatabase();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await listener?.close();
    await admin?.end();
    await db?.drop();
  });

  /** Waits (bounded) until the predicate holds. */
  async function until(what: string, ok: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(ok(), what).toBe(true);
  }

  it("receives notifications, and reconnects after the database ends its connection", async () => {
    const payloads: string[] = [];
    const errors: string[] = [];
    listener = await pgListen(
      db.url,
      (p) => payloads.push(p),
      (e) => errors.push(e.message),
    );
    await admin.query("select pg_notify($1, $2)", [EVENTS_CHANNEL, '{"incidentId":"inc_1","seq":1}']);
    await until("the first notification", () => payloads.includes('{"incidentId":"inc_1","seq":1}'));

    const listening = async () =>
      (await admin.query("select pid from pg_stat_activity where datname = current_database() and query ilike 'listen%'")).rows.map((r) =>
        Number(r.pid),
      );
    const [pid] = await listening();
    expect(pid).toBeGreaterThan(0);
    await admin.query("select pg_terminate_backend($1)", [pid]);
    await until("the drop is reported", () => errors.length > 0);

    // Back on a new connection: the reconnect wakes the owner once (an empty payload), then
    // notifications flow again.
    await until("a new LISTEN connection", () => payloads.includes(""));
    const [again] = await listening();
    expect(again).not.toBe(pid);
    await admin.query("select pg_notify($1, $2)", [EVENTS_CHANNEL, '{"incidentId":"inc_1","seq":2}']);
    await until("a notification after the reconnect", () => payloads.includes('{"incidentId":"inc_1","seq":2}'));

    await listener.close();
    listener = undefined;
    let left = await listening();
    for (let i = 0; i < 100 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      left = await listening();
    }
    expect(left).toEqual([]);
  });
});
