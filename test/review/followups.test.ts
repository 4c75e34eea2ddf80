// firebreak followups: one ticket per action item and the resolution on the incident's ticket,
// each opened once across re-runs and kill -9. Offline (a file in .git/firebreak/followups/) and
// on Linear, through @linear/sdk against a local GraphQL server held to the SDK's own schema.

import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeIncident, shipAndVerify, type IncidentFixture } from "./fixture.js";
import { startLinearServer, type LinearServer } from "./linear-server.js";

let f: IncidentFixture | undefined;
let linear: LinearServer | undefined;
afterEach(async () => {
  f?.fx.cleanup();
  await linear?.close();
  f = undefined;
  linear = undefined;
});

const kinds = async (fx: IncidentFixture) =>
  (await fx.ok(["log", "--json"])).json().events as { kind: string; data: Record<string, unknown> }[];
const count = (text: string, needle: string) => text.split(needle).length - 1;

async function withActions(config?: string): Promise<IncidentFixture> {
  const fx = await makeIncident(config ? { config } : {});
  await fx.ok(["action", "add", "Alert on token expiry errors", "--owner", "dana", "--due", "2026-12-01", "--kind", "monitoring"]);
  await fx.ok(["action", "add", "Remove the temporary <cache> bypass", "--owner", "raj", "--due", "2026-12-03"]);
  return fx;
}

describe("firebreak followups offline", () => {
  it("writes each follow-up and the resolution once, keeps the links, and a re-run opens nothing", async () => {
    f = await withActions();
    await shipAndVerify(f);
    const r = await f.ok(["followups", "--json"]);
    const out = r.json();
    expect(out.tracker).toBe("file");
    expect(out.opened.map((l: { action: string }) => l.action)).toEqual(["A1", "A2"]);
    expect(out.comment.how).toBe("performed");
    const file = join(f.fx.work, ".git", "firebreak", "followups", "ENG-1234.md");
    const text = readFileSync(file, "utf8");
    expect(text).toContain("## [ENG-1234] Alert on token expiry errors");
    expect(text).toContain("- Owner: dana");
    expect(text).toContain("Remove the temporary &lt;cache&gt; bypass");
    expect(text).toContain("## Resolution (comment for ENG-1234)");
    expect(text).toContain("Release v1.4.3");

    const again = await f.ok(["followups", "--json"]);
    expect(again.json().opened).toEqual([]);
    expect(again.json().existing).toHaveLength(2);
    expect(again.json().comment.how).toBe("replayed");
    expect(readFileSync(file, "utf8")).toBe(text);

    const events = await kinds(f);
    expect(events.filter((e) => e.kind === "followup.opened")).toHaveLength(2);
    expect(events.filter((e) => e.kind === "followups.opened")).toHaveLength(1);
    expect(events.filter((e) => e.kind === "ticket.commented")).toHaveLength(1);
    const status = (await f.ok(["status", "--json"])).json();
    expect(status.incident.data.followups.items.map((l: { action: string; tracker: string }) => [l.action, l.tracker])).toEqual([
      ["A1", "file"],
      ["A2", "file"],
    ]);
    expect(status.checklist.find((i: { id: string }) => i.id === "followups").state).toBe("done");

    // A new action item later gets its own follow-up, and only that one.
    await f.ok(["action", "add", "Runbook", "--owner", "lee", "--due", "2026-12-09"]);
    const third = (await f.ok(["followups", "--json"])).json();
    expect(third.opened.map((l: { action: string }) => l.action)).toEqual(["A3"]);
    expect(count(readFileSync(file, "utf8"), "## [ENG-1234]")).toBe(3);

    // The review links them.
    await f.ok(["review", "--write"]);
    expect(readFileSync(join(f.fx.work, "docs", "incidents", "ENG-1234.md"), "utf8")).toMatch(
      /A1 Alert on token expiry errors .*ENG-1234\.md#followup:A1/,
    );
  });

  it.each(["after-intent", "after-perform"])("killed %s opening a follow-up: the re-run writes it exactly once", async (point) => {
    f = await withActions();
    const killed = await f.fb(["followups"], { env: { FIREBREAK_CRASH_AT: `followup:A1:${point}` } });
    expect(killed.signal).toBe("SIGKILL");
    const again = await f.fb(["followups", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    const file = readFileSync(join(f.fx.work, ".git", "firebreak", "followups", "ENG-1234.md"), "utf8");
    expect(count(file, "## [ENG-1234] Alert on token expiry errors")).toBe(1);
    expect(count(file, "## [ENG-1234] Remove the temporary")).toBe(1);
    const events = await kinds(f);
    const a1 = events.filter((e) => e.kind === "followup.opened" && e.data.action === "A1");
    expect(a1).toHaveLength(1);
    if (point === "after-perform") expect(a1[0]!.data.reconciled).toBe(true);
    // Not deployed yet: the resolution comment waits, and says why.
    expect(again.json().commentSkipped).toContain("not in production yet");
  });

  it("with no action items says how to add one", async () => {
    f = await makeIncident();
    const r = await f.fb(["followups"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("firebreak action add");
  });
});

describe("firebreak followups on Linear", () => {
  const KEY = "lin_api_test_0123456789abcdefXYZ";
  const TEAM = "9cfb482a-81e3-4154-b5b9-2c805e70a02d";
  const config = (url: string) =>
    `checks:\n  test: "node -e 0"\ntracker:\n  type: linear\n  teamId: ${TEAM}\n  token: env:LINEAR_TEST_KEY\n  apiUrl: ${url}\n`;

  it("opens one Linear issue per action item and comments the resolution on the ticket, once", async () => {
    linear = await startLinearServer({ teamId: TEAM, apiKey: KEY });
    linear.seedIssue("ENG-1234", "Expired tokens accepted");
    f = await withActions(config(linear.url));
    await shipAndVerify(f);
    const env = { LINEAR_TEST_KEY: KEY };
    const r = await f.ok(["followups", "--json"], { env });
    const out = r.json();
    expect(linear.errors).toEqual([]);
    expect(out.tracker).toBe("linear");
    const created = [...linear.issues.values()].filter((i) => i.identifier !== "ENG-1234");
    expect(created.map((i) => i.title).sort()).toEqual([
      "[ENG-1234] Alert on token expiry errors",
      "[ENG-1234] Remove the temporary <cache> bypass",
    ]);
    expect(created.find((i) => i.title.includes("Alert"))!.dueDate).toBe("2026-12-01");
    expect(created.every((i) => i.teamId === TEAM)).toBe(true);
    expect(out.opened.map((l: { ref: string }) => l.ref).sort()).toEqual(created.map((i) => i.identifier).sort());
    const comments = [...linear.comments.values()];
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("Resolved: ENG-1234");
    expect(comments[0]!.body).toContain(created[0]!.url);
    expect(linear.requests.every((q) => q.authorization === KEY)).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(KEY);

    const before = linear.requests.length;
    const again = await f.ok(["followups", "--json"], { env });
    expect(again.json().opened).toEqual([]);
    expect(linear.requests.length).toBe(before); // the journal answers: Linear is not even asked
    expect(linear.issues.size).toBe(3);
    expect(linear.comments.size).toBe(1);
    const log = JSON.stringify((await f.ok(["log", "--json"])).json());
    expect(log).not.toContain(KEY);
  });

  it("a lost answer or a kill -9 never opens a Linear issue twice: the stable id is looked up", async () => {
    linear = await startLinearServer({ teamId: TEAM, apiKey: KEY });
    f = await withActions(config(linear.url));
    const env = { LINEAR_TEST_KEY: KEY };
    // Linear makes A1's issue but the answer never arrives; the same run asks and finds it.
    linear.loseAnswer("issueCreate");
    const r = await f.ok(["followups", "--json"], { env });
    expect(r.json().opened).toHaveLength(2);
    expect(linear.issues.size).toBe(2);
    // A new item, and a kill -9 right after Linear made it: the re-run finds it by id.
    await f.ok(["action", "add", "Runbook", "--owner", "lee", "--due", "2026-12-09"]);
    const killed = await f.fb(["followups"], { env: { ...env, FIREBREAK_CRASH_AT: "followup:A3:after-perform" } });
    expect(killed.signal).toBe("SIGKILL");
    expect(linear.issues.size).toBe(3);
    const again = await f.ok(["followups", "--json"], { env });
    expect(again.code).toBe(0);
    expect(linear.issues.size).toBe(3);
    expect(linear.requests.filter((q) => q.field === "issueCreate")).toHaveLength(3);
    expect(linear.requests.some((q) => q.field === "issue")).toBe(true);
    expect(linear.errors).toEqual([]);
    // ENG-1234 is not a Linear issue here and nothing is deployed: no comment, with the reason.
    expect(again.json().commentSkipped).toBeTruthy();
  });

  it("a wrong team id is Linear's refusal, said plainly, and nothing is recorded as opened", async () => {
    linear = await startLinearServer({ teamId: TEAM, apiKey: KEY });
    f = await withActions(config(linear.url).replace(TEAM, "00000000-0000-4000-8000-000000000000"));
    const r = await f.fb(["followups"], { env: { LINEAR_TEST_KEY: KEY } });
    expect(r.code).toBe(9);
    expect(r.stderr).toContain("Linear refused");
    expect(linear.issues.size).toBe(0);
    const events = await kinds(f);
    expect(events.filter((e) => e.kind === "followup.opened")).toHaveLength(0);
    expect(events.filter((e) => e.kind === "effect.failed")).toHaveLength(1);
  });
});
