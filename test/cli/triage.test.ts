import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

let fx: GitFixture;
const env = { FIREBREAK_NOW: "2026-11-27T15:00:00Z" };
beforeEach(() => {
  fx = makeRepo();
});
afterEach(() => fx.cleanup());

describe("firebreak triage", () => {
  it("--help lists every command", async () => {
    const r = await firebreak(fx.work, ["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["init", "triage", "start", "status", "note", "log", "list", "confirm"])
      expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, "m"));
  });

  it("decides P0 from an auth bypass, with the deadline and requirements", async () => {
    const r = await firebreak(fx.work, ["triage", "--criteria", "auth-bypass,errors-most-users", "--discovered", "14:23", "--json"], {
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    const t = r.json();
    expect(t).toMatchObject({ emergency: true, priority: "P0", decidedBy: ["auth-bypass"], deadlineAt: "2026-11-27T16:23:00.000Z" });
    expect(t.requirements.join(" ")).toMatch(/staging/i);
  });

  it("answers 'not an emergency' with its own exit code", async () => {
    const r = await firebreak(fx.work, ["triage", "--not-broken"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/not an emergency/i);
  });

  it("takes JSON input on stdin", async () => {
    const r = await firebreak(fx.work, ["triage", "--input", "-", "--json"], {
      env,
      input: JSON.stringify({ criteria: ["performance-degraded"] }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().priority).toBe("P2");
  });

  it("lists every criterion id", async () => {
    const r = await firebreak(fx.work, ["triage", "--list", "--json"]);
    const ids = r.json().criteria.map((c: { id: string }) => c.id);
    expect(ids).toContain("auth-bypass");
    expect(ids).toContain("partner-deadline");
  });

  it("reports every unknown criterion at once", async () => {
    const r = await firebreak(fx.work, ["triage", "--criteria", "auth-bypas,prod-down"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("auth-bypas");
    expect(r.stderr).toContain("prod-down");
  });

  it("does not prompt when stdin is not a terminal", async () => {
    const r = await firebreak(fx.work, ["triage"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--criteria");
  });

  it("usage mistakes exit 2", async () => {
    const r = await firebreak(fx.work, ["start", "--no-such-flag"]);
    expect(r.code).toBe(2);
  });
});

describe("triage --input with wrong types", () => {
  it('{"productionBroken":"yes"} is refused with every problem named, never read as "not an emergency"', async () => {
    const r = await firebreak(fx.work, ["triage", "--input", '{"productionBroken":"yes","deadline":1,"urgent":true}']);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain("Not an emergency");
    expect(r.stderr).toContain("--input has 3 problems");
    expect(r.stderr).toContain('productionBroken: expected true or false, got "yes"');
    expect(r.stderr).toContain("deadline: expected true or false, got 1");
    expect(r.stderr).toContain("unknown key urgent");
    const list = await firebreak(fx.work, ["triage", "--input", "[1]"]);
    expect(list.code).toBe(2);
    expect(list.stderr).toContain("expected a JSON object");
  });
});
