// The tool list an agent sees, and what each tool really does to the record.

import { afterEach, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { closeAll, connect, textOf } from "./client.js";

let fx: GitFixture | undefined;
afterEach(async () => {
  await closeAll();
  fx?.cleanup();
  fx = undefined;
});

const READ_ONLY = ["incident_triage", "incident_status"];
const ALL = [
  "incident_triage",
  "incident_status",
  "incident_start",
  "incident_note",
  "fix_check",
  "fix_commit",
  "fix_pr_plan",
  "fix_pr_apply",
  "fix_approve",
  "release_waive",
  "release_ship_plan",
  "release_ship_apply",
];

/** A repository with a config and a started P1, as a person would leave it. */
async function incidentRepo(priority = "P1"): Promise<GitFixture> {
  const f = makeRepo();
  f.commit("chore: firebreak config", { ".firebreak.yml": 'checks:\n  test: "node -e 0"\n' });
  f.git("push", "-q", "origin", "main");
  const r = await firebreak(f.work, ["start", "ENG-7", "Expired tokens accepted", "--priority", priority]);
  expect(r.code, r.stderr).toBe(0);
  return f;
}

const eventCount = async (f: GitFixture): Promise<number> => (await firebreak(f.work, ["log", "--json"])).json().events.length;

describe("firebreak mcp: the tool list", () => {
  it("lists only read-only tools by default, in a fixed order, each with schemas and annotations", async () => {
    fx = makeRepo();
    const s = await connect(fx.work);
    const listed = await s.client.listTools();
    expect(listed.tools.map((t) => t.name)).toEqual(READ_ONLY);
    for (const t of listed.tools) {
      expect(t.inputSchema.type).toBe("object");
      expect(t.outputSchema?.type).toBe("object");
      expect(t.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
      expect(t.description?.length).toBeGreaterThan(20);
    }
    // The figure for the note: what the default list costs an agent's context.
    const bytes = Buffer.byteLength(JSON.stringify(listed));
    console.log(`default tools/list: ${listed.tools.length} tools, ${bytes} bytes, ~${Math.round(bytes / 4)} tokens`);
    expect(bytes).toBeLessThan(8_000);
  });

  it("lists write tools only for the toolsets allowed, at most 12, in the same order every time", async () => {
    fx = makeRepo();
    const all = await connect(fx.work, ["--allow", "incident,fix,release"]);
    const listed = await all.client.listTools();
    expect(listed.tools.map((t) => t.name)).toEqual(ALL);
    expect(listed.tools.length).toBe(12);
    const bytes = Buffer.byteLength(JSON.stringify(listed));
    console.log(`tools/list with every toolset allowed: ${listed.tools.length} tools, ${bytes} bytes, ~${Math.round(bytes / 4)} tokens`);
    const again = await connect(fx.work, ["--allow", "release,fix,incident"]);
    expect((await again.client.listTools()).tools.map((t) => t.name)).toEqual(ALL);

    const apply = listed.tools.find((t) => t.name === "release_ship_apply")!;
    expect(apply.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, openWorldHint: true });
    expect(apply.inputSchema.required).toContain("planId");

    const onlyIncident = await connect(fx.work, ["--toolsets", "incident", "--allow", "incident"]);
    expect((await onlyIncident.client.listTools()).tools.map((t) => t.name)).toEqual([
      "incident_triage",
      "incident_status",
      "incident_start",
      "incident_note",
    ]);
    // Write-only toolsets without --allow would list nothing: refused as a usage mistake.
    const nothing = await firebreak(fx.work, ["mcp", "--toolsets", "fix"]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("--allow fix");
  });

  it("refuses an unknown toolset before serving anything", async () => {
    fx = makeRepo();
    const r = await firebreak(fx.work, ["mcp", "--allow", "everything"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("incident, fix, release");
  });
});

describe("firebreak confirm-plan", () => {
  it("refuses what is not a plan id, and an id no incident has", async () => {
    fx = await incidentRepo();
    const typo = await firebreak(fx.work, ["confirm-plan", "--", "--force"]);
    expect(typo.code).toBe(2);
    const unknown = await firebreak(fx.work, ["confirm-plan", "plan_0123456789ab"]);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain("No incident on this record has a plan plan_0123456789ab");
    expect(unknown.stderr).toContain("make the plan again");
  });
});

describe("firebreak mcp: annotations against what the tools do", () => {
  it("read-only tools leave the record as it was; the note tool adds one event; a write tool hidden by default cannot be called", async () => {
    fx = await incidentRepo();
    const before = await eventCount(fx);
    const ro = await connect(fx.work);
    const triaged = await ro.call("incident_triage", { criteria: ["auth-bypass"] });
    expect(triaged.isError).toBeFalsy();
    const status = await ro.call("incident_status", {});
    expect(status.isError, textOf(status)).toBeFalsy();
    expect(status.structuredContent).toMatchObject({ ticket: "ENG-7", priority: "P1", events: before });
    expect((status.structuredContent as { next: string | null }).next).not.toBeNull();
    expect(await eventCount(fx)).toBe(before);

    const hidden = await ro.call("incident_note", { text: "should not land" });
    expect(hidden.isError).toBe(true);
    expect(await eventCount(fx)).toBe(before);

    const rw = await connect(fx.work, ["--allow", "incident"]);
    const noted = await rw.call("incident_note", { text: "root cause: exp never compared" });
    expect(noted.isError, textOf(noted)).toBeFalsy();
    expect(await eventCount(fx)).toBe(before + 1);
    const log = (await firebreak(fx.work, ["log", "--json"])).json().events;
    expect(log.at(-1).actor).toBe("agent (tester)");
  });

  it("an error is a tool result with the catalogue's why and next", async () => {
    fx = await incidentRepo();
    const s = await connect(fx.work);
    const r = await s.call("incident_status", { ticket: "ENG-404" });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/ENG-404/);
    expect(textOf(r)).toMatch(/next: /);
  });

  it("the core refuses an agent's approval and waiver, and the record is unchanged", async () => {
    fx = await incidentRepo("P0");
    const s = await connect(fx.work, ["--allow", "fix,release"]);
    const before = await eventCount(fx);
    const approved = await s.call("fix_approve", { by: "Dana" });
    expect(approved.isError).toBe(true);
    expect(textOf(approved)).toContain("PERSON_REQUIRED");
    expect(textOf(approved)).toMatch(/next: ask a person/);
    const waived = await s.call("release_waive", { item: "approval", reason: "exploited now" });
    expect(waived.isError).toBe(true);
    expect(textOf(waived)).toContain("PERSON_REQUIRED");
    expect(await eventCount(fx)).toBe(before);
  });
});

describe("firebreak mcp: the fix through tools", () => {
  it("checks, commits, plans and opens the pull request; the plan is applied once, and a plan made before a new commit is stale", async () => {
    fx = await incidentRepo();
    fx.write("src/auth.js", "export function check(t) {\n  return t.exp > Date.now() / 1000;\n}\n");
    fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\n');
    const s = await connect(fx.work, ["--allow", "fix"]);
    const checked = await s.call("fix_check", {});
    expect(checked.structuredContent, textOf(checked)).toMatchObject({ ok: true });

    // Before anything is staged, the commit says what is missing and what to do.
    fx.git("add", "-A");
    const missing = await s.call("fix_commit", {});
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/what was broken|--what/i);
    const committed = await s.call("fix_commit", { what: "expired tokens got 200", rootCause: "exp never compared with now" });
    expect(committed.isError, textOf(committed)).toBeFalsy();
    const sha = (committed.structuredContent as { sha: string }).sha;
    expect(fx.git("rev-parse", "HEAD")).toBe(sha);

    const stalePlan = (await s.call("fix_pr_plan", {})).structuredContent as { planId: string };
    fx.commit("test: one more case", { "test/auth2.test.js": 'it("rejects a token without exp", () => {});\n' });
    const stale = await s.call("fix_pr_apply", { planId: stalePlan.planId });
    expect(stale.isError).toBe(true);
    expect(textOf(stale)).toContain("PLAN_STALE");
    expect(fx.git("ls-remote", "origin", "refs/heads/hotfix/*")).not.toContain(fx.git("rev-parse", "HEAD"));

    const planned = await s.call("fix_pr_plan", {});
    expect(planned.isError, textOf(planned)).toBeFalsy();
    const plan = planned.structuredContent as { planId: string; title: string; labels: string[] };
    expect(plan.title).toContain("ENG-7");
    const opened = await s.call("fix_pr_apply", { planId: plan.planId });
    expect(opened.isError, textOf(opened)).toBeFalsy();
    expect(opened.structuredContent).toMatchObject({ opened: true });
    expect(fx.git("ls-remote", "origin", "refs/heads/hotfix/*")).toContain(fx.git("rev-parse", "HEAD"));
    const twice = await s.call("fix_pr_apply", { planId: plan.planId });
    expect(textOf(twice)).toContain("PLAN_APPLIED");
  });
});
