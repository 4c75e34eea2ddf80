// Notes, the log, its hash chain, list and status as a user sees them.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

let fx: GitFixture;
const env = { FIREBREAK_NOW: "2026-11-27T15:00:00Z" };

beforeEach(async () => {
  fx = makeRepo();
  const r = await firebreak(fx.work, ["start", "ENG-1234", "Fix auth bypass", "--priority", "P0", "--discovered", "14:23", "--no-push"], {
    env,
  });
  expect(r.code, r.stderr).toBe(0);
});
afterEach(() => fx.cleanup());

describe("timeline", () => {
  it("records back-dated notes and prints the log in UTC", async () => {
    const n = await firebreak(fx.work, ["note", "root cause: expiry not checked", "--at", "14:30"], { env });
    expect(n.code, n.stderr).toBe(0);
    expect(n.stdout).toContain("2026-11-27 14:30 UTC");
    const log = await firebreak(fx.work, ["log"], { env });
    expect(log.stdout).toMatch(/2026-11-27 14:30:00 +tester +note: root cause: expiry not checked \(written 2026-11-27 15:00\)/);
    const json = (await firebreak(fx.work, ["log", "ENG-1234", "--json"], { env })).json();
    expect(json.events.at(-1)).toMatchObject({
      kind: "note",
      at: "2026-11-27T14:30:00.000Z",
      actor: "tester",
      data: { text: "root cause: expiry not checked" },
    });
  });

  it("log --verify detects an edited event and exits 8", async () => {
    await firebreak(fx.work, ["note", "first"], { env });
    await firebreak(fx.work, ["note", "second"], { env });
    expect((await firebreak(fx.work, ["log", "--verify"], { env })).code).toBe(0);
    const db = new BetterSqlite3(join(fx.work, ".git", "firebreak", "firebreak.db"));
    db.prepare("update timeline_events set data = ? where kind = 'note' and data like '%first%'").run(
      JSON.stringify({ text: "nothing to see" }),
    );
    db.close();
    const r = await firebreak(fx.work, ["log", "--verify"], { env });
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(/event \d+ looks edited/);
  });

  it("list and status agree, and confirm ticks the checklist", async () => {
    const list = (await firebreak(fx.work, ["list", "--json"], { env })).json();
    expect(list.incidents.map((i: { ticket: string }) => i.ticket)).toEqual(["ENG-1234"]);
    const c = await firebreak(fx.work, ["confirm", "reproduced", "--note", "expired token gets 200"], { env });
    expect(c.code, c.stderr).toBe(0);
    const s = (await firebreak(fx.work, ["status", "--json"], { env })).json();
    const state = (id: string) => s.checklist.find((i: { id: string }) => i.id === id)?.state;
    expect(state("reproduced")).toBe("done");
    expect(state("staging-deployed")).toBe("not-needed");
    expect(s.next.id).not.toBe("reproduced");
    expect(s.timeLeft.overdue).toBe(false);
  });

  it("status shows how overdue an incident is", async () => {
    const late = await firebreak(fx.work, ["status"], { env: { FIREBREAK_NOW: "2026-11-27T17:00:00Z" } });
    expect(late.stdout).toContain("overdue by 37m");
  });

  it("status outside any incident says how to start one", async () => {
    fx.git("switch", "-q", "main");
    const r = await firebreak(fx.work, ["status", "ENG-404"], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("No incident found for ENG-404");
    expect(r.stderr).toContain("Next:");
  });
});
