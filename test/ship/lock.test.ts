// Two ship runs at once on the same incident: one proceeds, the other is told who holds the lock
// and since when. A lock whose run is still alive is released only with its id. Locks are leases
// in the store, so the tests hold one the way another run would: through the store.

import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store/open-store.js";
import { makeShipFixture, type ShipFixture } from "./fixture.js";

/** Holds `names` as lock `id` in the fixture's store, the way another run would. */
export async function holdLock(
  work: string,
  id: string,
  names: string[],
  who: { actor: string; command: string; ticket: string; since: string; pid?: number; host?: string; expiresAt?: string },
): Promise<void> {
  const store = await openStore({ sqlitePath: join(work, ".git", "firebreak", "firebreak.db") });
  try {
    const r = await store.acquireLeases({
      id,
      names,
      holder: { actor: who.actor, command: who.command, ticket: who.ticket, host: who.host ?? hostname(), pid: who.pid ?? process.pid },
      now: who.since,
      expiresAt: who.expiresAt ?? "2999-01-01T00:00:00.000Z",
      canTakeOver: () => false,
    });
    expect(r.ok).toBe(true);
  } finally {
    await store.close();
  }
}

const heldLocks = async (f: ShipFixture) => (await f.cli(["unlock", "--json"])).json().locks as Array<{ id: string; name: string }>;

let f: ShipFixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

const WAIT = `import { existsSync } from "node:fs";
for (let i = 0; i < 400 && !existsSync(process.argv[2]); i++) await new Promise((r) => setTimeout(r, 50));
`;

describe("ship locks", () => {
  it("a second run is refused while the first deploys, with who holds it and how to release it", async () => {
    f = await makeShipFixture({
      config: (svc) => {
        writeFileSync(join(svc.dir, "wait.mjs"), WAIT);
        return `deploy:\n  production:\n    type: command\n    command: ${JSON.stringify(`node ${svc.dir}/wait.mjs ${svc.dir}/go && ${svc.deployCommand}`)}\n`;
      },
    });
    const first = f.cli(["ship"]);
    // Wait (bounded) until the first run holds its locks and is deploying.
    let held: Array<{ name: string }> = [];
    for (let i = 0; i < 100 && held.length < 2; i++) {
      held = await heldLocks(f);
      if (held.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(held.map((l) => l.name)).toEqual(["env-production", "incident-ENG-1234"]);

    const second = await f.cli(["ship"]);
    expect(second.code).toBe(4);
    expect(second.stderr).toMatch(
      /ENG-1234 is locked by `firebreak ship --to production` for ENG-1234, run by tester \(pid \d+ on .+\) since \d{4}-/,
    );
    expect(second.stderr).toMatch(/firebreak unlock lk_[0-9a-f]{8}/);
    const listed = (await f.cli(["unlock", "--json"])).json().locks;
    expect(listed).toHaveLength(2);

    writeFileSync(join(f.svc.dir, "go"), "");
    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    expect(f.svc.deploys()).toHaveLength(1);
    expect(await heldLocks(f)).toEqual([]); // released
  });

  it("a lock held by a live process is released only with its id, and with --force", async () => {
    f = await makeShipFixture();
    await holdLock(f.fx.work, "lk_0badf00d", ["env-production"], {
      actor: "Sam",
      command: "ship --to production",
      ticket: "ENG-999",
      since: "2026-11-27T10:00:00.000Z",
    });

    const refused = await f.cli(["ship"]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain("the production environment is locked by `firebreak ship --to production` for ENG-999, run by Sam");
    expect(refused.stderr).toContain("since 2026-11-27T10:00:00.000Z");
    expect(refused.stderr).toContain("firebreak unlock lk_0badf00d");
    expect(f.svc.deploys()).toEqual([]);

    expect((await f.cli(["unlock", "lk_00000000"])).code).toBe(4);
    // Its holder (this test's own process) is alive here: a plain unlock would let a second run in.
    const busy = await f.cli(["unlock", "lk_0badf00d"]);
    expect(busy.code).toBe(4);
    expect(busy.stderr).toContain(
      `Lock lk_0badf00d belongs to a run that is still working: its process ${process.pid} is running on this machine`,
    );
    expect(busy.stderr).toContain(`kill -INT ${process.pid}`);
    expect(busy.stderr).toContain("firebreak unlock lk_0badf00d --force");
    const u = await f.cli(["unlock", "lk_0badf00d", "--force"]);
    expect(u.code, u.stderr).toBe(0);
    const ok = await f.cli(["ship"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(await f.svc.version()).toBe("v1.4.3");
  });

  it("unlock names the held command in full, flags included", async () => {
    f = await makeShipFixture();
    await holdLock(f.fx.work, "lk_0ddba11a", ["incident-ENG-1234"], {
      actor: "Sam",
      command: "rollback --strategy previous",
      ticket: "ENG-1234",
      since: "2026-11-27T10:00:00.000Z",
    });
    const u = await f.cli(["unlock", "lk_0ddba11a", "--force"]);
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toContain("Next: firebreak rollback --strategy previous   # run it again");
    expect(await heldLocks(f)).toEqual([]);
  });
});
