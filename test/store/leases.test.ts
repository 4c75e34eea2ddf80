// Leases: the locks of ship and rollback, kept in the store so that every clone and machine on one
// store sees them. Taken all-or-nothing in one transaction; a stale one taken over by exactly one
// run; a fencing token that grows with every acquisition, checked by the journal before an intent.

import { execFileSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import { isFirebreakError } from "../../src/errors.js";
import type { LeaseRequest, Store } from "../../src/ports.js";
import { BACKENDS, event, newIncident, type BackendHandle } from "./backends.js";

const NAMES = ["incident-ENG-1234", "env-production"];
const request = (id: string, over: Partial<LeaseRequest> = {}): LeaseRequest => ({
  id,
  names: NAMES,
  holder: { actor: "Dana Lee", command: "ship --to production", ticket: "ENG-1234", host: "laptop-1", pid: 4242 },
  now: "2026-12-05T10:00:00.000Z",
  expiresAt: "2026-12-05T10:01:00.000Z",
  canTakeOver: () => false,
  ...over,
});

/** A pid that certainly ran and has ended. */
const deadPid = () => Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).toString());

describe.each(BACKENDS)("leases on $name", (factory) => {
  let handle: BackendHandle;
  let store: Store;
  const others: Store[] = [];

  beforeEach(async () => {
    handle = await factory.setup();
    store = await openStore(handle.options);
  });
  afterEach(async () => {
    for (const s of others.splice(0)) await s.close();
    await store?.close();
    await handle?.cleanup();
  });

  it("one holder at a time; the refused one learns who holds it; released leases come back with a higher token", async () => {
    const a = await store.acquireLeases(request("lk_aaaaaaaa"));
    expect(a.ok).toBe(true);
    const b = await store.acquireLeases(
      request("lk_bbbbbbbb", {
        holder: { actor: "Sam", command: "rollback --strategy previous", ticket: "ENG-1234", host: "laptop-2", pid: 7 },
      }),
    );
    expect(b).toMatchObject({
      ok: false,
      held: {
        id: "lk_aaaaaaaa",
        name: "incident-ENG-1234",
        actor: "Dana Lee",
        host: "laptop-1",
        pid: 4242,
        command: "ship --to production",
        since: "2026-12-05T10:00:00.000Z",
      },
    });
    expect((await store.listLeases()).map((l) => [l.name, l.id])).toEqual(
      [
        ["env-production", "lk_aaaaaaaa"],
        ["incident-ENG-1234", "lk_aaaaaaaa"],
      ].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
    );

    const freed = await store.releaseLeases("lk_aaaaaaaa");
    expect(freed.map((l) => l.name).sort()).toEqual([...NAMES].sort());
    expect(await store.listLeases()).toEqual([]);
    const c = await store.acquireLeases(request("lk_cccccccc"));
    expect(c.ok && a.ok && c.token > a.token).toBe(true);
  });

  it("all names or none: a held environment leaves the incident free", async () => {
    expect((await store.acquireLeases(request("lk_aaaaaaaa", { names: ["env-production"] }))).ok).toBe(true);
    const r = await store.acquireLeases(request("lk_bbbbbbbb", { names: ["incident-ENG-9", "env-production"] }));
    expect(r).toMatchObject({ ok: false, held: { name: "env-production", id: "lk_aaaaaaaa" } });
    expect((await store.listLeases()).map((l) => l.name)).toEqual(["env-production"]);
    expect((await store.acquireLeases(request("lk_cccccccc", { names: ["incident-ENG-9"] }))).ok).toBe(true);
  });

  it("a stale lease is taken over by exactly one of several runs racing for it", async () => {
    const gone = deadPid();
    expect((await store.acquireLeases(request("lk_0000dead", { holder: { ...request("x").holder, pid: gone } }))).ok).toBe(true);
    for (let i = 0; i < 5; i++) others.push(await openStore(handle.options));
    const results = await Promise.all(
      others.map((s, i) =>
        s.acquireLeases(
          request(`lk_0000000${i}`, { holder: { ...request("x").holder, pid: 1000 + i }, canTakeOver: (held) => held.pid === gone }),
        ),
      ),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ tookOver: [{ id: "lk_0000dead" }, { id: "lk_0000dead" }] });
    // Every loser names the winner, not the dead run.
    const winner = (await store.listLeases())[0]!.id;
    for (const r of results) if (!r.ok) expect(r.held.id).toBe(winner);
  });

  it("a run whose lease was taken over cannot write an intent or clear one (fencing token)", async () => {
    const inc = await store.createIncident(newIncident(), event("incident.started"));
    const first = await store.acquireLeases(request("lk_aaaaaaaa"));
    if (!first.ok) throw new Error("not acquired");
    const fence = { token: first.token, names: NAMES };
    await store.recordIntent(inc.id, "release.tag:v1.4.3", { tag: "v1.4.3" }, event("effect.intent", { key: "release.tag:v1.4.3" }), fence);

    const second = await store.acquireLeases(request("lk_bbbbbbbb", { canTakeOver: () => true }));
    expect(second.ok).toBe(true);
    const refused = await store
      .recordIntent(inc.id, "deploy.production:v1.4.3", {}, event("effect.intent", { key: "deploy.production:v1.4.3" }), fence)
      .catch((e: unknown) => e);
    expect(isFirebreakError(refused) && refused.code).toBe("LEASE_LOST");
    const notCleared = await store
      .clearIntent(inc.id, "release.tag:v1.4.3", event("effect.retry", { key: "release.tag:v1.4.3" }), fence)
      .catch((e: unknown) => e);
    expect(isFirebreakError(notCleared) && notCleared.code).toBe("LEASE_LOST");
    expect(await store.getEffect(inc.id, "deploy.production:v1.4.3")).toBeUndefined();
    expect((await store.getEffect(inc.id, "release.tag:v1.4.3"))?.state).toBe("intent");
    expect(await store.renewLeases("lk_aaaaaaaa", first.token, "2026-12-05T10:05:00.000Z")).toBe(false);

    if (!second.ok) throw new Error("not acquired");
    await store.recordIntent(inc.id, "deploy.production:v1.4.3", {}, event("effect.intent", { key: "deploy.production:v1.4.3" }), {
      token: second.token,
      names: NAMES,
    });
    expect(await store.renewLeases("lk_bbbbbbbb", second.token, "2026-12-05T10:05:00.000Z")).toBe(true);
  });

  it("the deploy running under a lease and in an intent is on the record", async () => {
    const inc = await store.createIncident(newIncident(), event("incident.started"));
    expect((await store.acquireLeases(request("lk_aaaaaaaa"))).ok).toBe(true);
    await store.recordIntent(
      inc.id,
      "deploy.production:v1.4.3",
      { env: "production" },
      event("effect.intent", { key: "deploy.production:v1.4.3" }),
    );
    const mark = { pgid: 31337, host: "laptop-1", log: "/tmp/x.log", spool: "/tmp/x.log.out", startedAt: "2026-12-05T10:00:01.000Z" };
    await store.annotateIntent(inc.id, "deploy.production:v1.4.3", { deploy: mark });
    await store.markLeaseDeploy("lk_aaaaaaaa", mark);
    expect((await store.getEffect(inc.id, "deploy.production:v1.4.3"))?.intent).toEqual({ env: "production", deploy: mark });
    expect((await store.listLeases()).every((l) => l.deploy?.pgid === 31337)).toBe(true);
    await store.markLeaseDeploy("lk_aaaaaaaa", null);
    expect((await store.listLeases()).every((l) => l.deploy === null)).toBe(true);
  });
});
