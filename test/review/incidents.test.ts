// firebreak incidents: the log across incidents, as a table, JSON and spreadsheet-safe CSV.

import { afterEach, describe, expect, it } from "vitest";
import { makeIncident, shipAndVerify, type IncidentFixture } from "./fixture.js";

let f: IncidentFixture | undefined;
afterEach(() => f?.fx.cleanup());

/** A minimal RFC 4180 reader: quoted fields, "" inside quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else cell += c;
  }
  return rows;
}

describe("firebreak incidents", () => {
  it("lists every incident with its times, deadline, rollbacks, backports and review status", async () => {
    f = await makeIncident();
    await shipAndVerify(f);
    await f.withStore(async (store, id) => {
      await store.appendEvent(id, {
        at: "2026-11-27T15:35:00Z",
        actor: "firebreak",
        kind: "rollback.done",
        data: { summary: "rolled back v1.4.3", reason: "smoke test failed" },
      });
      await store.appendEvent(id, {
        at: "2026-11-27T16:30:00Z",
        actor: "firebreak",
        kind: "backport.done",
        data: { summary: "release/1.3" },
      });
    });
    // A second incident, still open and past its deadline, with a hostile title.
    await f.ok([
      "start",
      "ENG-7",
      '=HYPERLINK("http://evil.example","click"), "quoted"',
      "--priority",
      "P2",
      "--discovered",
      "2026-11-20T09:00Z",
      "--no-push",
    ]);

    const json = (await f.ok(["incidents", "--json"])).json();
    expect(json.incidents.map((r: { ticket: string }) => r.ticket)).toEqual(["ENG-7", "ENG-1234"]);
    const main = json.incidents[1];
    expect(main).toMatchObject({
      level: "P1",
      discovered: "2026-11-27T14:00:00.000Z",
      deployed: "2026-11-27T15:30:00Z",
      verified: "2026-11-27T15:45:00Z",
      deadlineResult: "met",
      deadlineMargin: "met with 2h 30m to spare",
      rollbacks: 1,
      backports: 1,
      review: "due",
      reviewDue: "2026-11-30T15:45:00.000Z",
    });
    expect(json.incidents[0]).toMatchObject({ level: "P2", deployed: null, deadlineResult: "overdue", review: "not-needed" });

    const since = (await f.ok(["incidents", "--since", "2026-11-25", "--json"])).json();
    expect(since.incidents.map((r: { ticket: string }) => r.ticket)).toEqual(["ENG-1234"]);

    const table = await f.ok(["incidents"]);
    expect(table.stdout).toMatch(/ENG-1234\s+P1\s+2026-11-27 14:00\s+2026-11-27 15:30\s+2026-11-27 15:45\s+met\s+1\s+1\s+due/);
    expect(table.stdout).toContain("deadline met in 1 of 1 fixed in production");

    const csv = await f.ok(["incidents", "--csv"]);
    const rows = parseCsv(csv.stdout);
    expect(rows[0]).toEqual([
      "ticket",
      "level",
      "title",
      "status",
      "discovered",
      "deployed",
      "verified",
      "deadline",
      "deadlineResult",
      "deadlineMargin",
      "rollbacks",
      "backports",
      "review",
      "reviewDue",
    ]);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.length === rows[0]!.length)).toBe(true);
    // The formula is text: it starts with ' and survives quoting intact.
    expect(rows[1]![2]).toBe(`'=HYPERLINK("http://evil.example","click"), "quoted"`);
    expect(rows[2]!.slice(0, 2)).toEqual(["ENG-1234", "P1"]);

    const both = await f.fb(["incidents", "--csv", "--json"]);
    expect(both.code).toBe(2);
  });
});
