import { afterEach, describe, expect, it } from "vitest";
import type { GitFixture } from "../helpers/git-fixture.js";
import { renderGuardReport } from "../../src/guard/render-report.js";
import { guard, hotfixRepo } from "./fixture.js";

let fx: GitFixture | undefined;
afterEach(() => fx?.cleanup());

describe("overrides", () => {
  it("--allow with a reason lets a block through and reports the reason", async () => {
    fx = hotfixRepo({ "package.json": '{"dependencies":{"jsonwebtoken":"9.0.0"}}\n' });
    fx.write("package.json", '{"dependencies":{"jsonwebtoken":"9.0.2"}}\n');
    const before = await guard(fx);
    expect(before.blocked).toBe(true);
    const reason = "CVE-2026-1234 in jsonwebtoken";
    const after = await guard(fx, {
      allows: [
        { rule: "dependencies", reason },
        { rule: "binary", reason: "just in case" },
      ],
    });
    expect(after.blocked).toBe(false);
    expect(after.findings.find((f) => f.rule === "dependencies")?.allowed).toBe(reason);
    expect(after.allowed).toEqual([
      { rule: "dependencies", reason, count: 1 },
      { rule: "binary", reason: "just in case", count: 0 },
    ]);
    const text = renderGuardReport(after, { color: false }).join("\n");
    expect(text).toContain(`Allowed dependencies: ${reason}`);
    expect(text).toContain("--allow binary was not needed");
  });

  it("refuses an unknown rule or an empty reason", async () => {
    fx = hotfixRepo();
    await expect(guard(fx, { allows: [{ rule: "everything", reason: "x" }] })).rejects.toMatchObject({ code: "USAGE" });
    await expect(guard(fx, { allows: [{ rule: "size", reason: "  " }] })).rejects.toMatchObject({ code: "USAGE" });
  });
});

describe("levels from config", () => {
  it("a rule can be turned off, softened to warn or hardened to block per level", async () => {
    fx = hotfixRepo();
    fx.write(".github/workflows/ci.yml", "on: push\n");
    fx.write("src/auth.js", "export function check(t) {\n  return t.length > 0;\n}\n");
    const r = await guard(fx, {
      priority: "P2",
      config: { levels: { P2: { rules: { infrastructure: "warn", "root-cause": "block", spread: "off" } } } },
    });
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([
      ["infrastructure", "warn"],
      ["root-cause", "block"],
    ]);
    expect(r.blocked).toBe(true);
  });
});

describe("renderGuardReport", () => {
  it("prints a table and, for each block, the remedy and the override command", async () => {
    fx = hotfixRepo();
    fx.git("checkout", "-q", "--", "test/auth.test.js");
    fx.write("Dockerfile", "FROM node:20\n");
    const text = renderGuardReport(await guard(fx), { color: false }).join("\n");
    expect(text).toBe(
      [
        "Guard (P1): 2 files, 6 lines changed; tests: 0 files, 0 lines",
        "FILE        RULE             SEVERITY  MESSAGE",
        "-           regression-test  block     no test file added or changed",
        "Dockerfile  infrastructure   block     CI, deploy or infrastructure file changed",
        "Dockerfile  spread           warn      in (root), away from the rest of the change in src",
        "",
        "Blocked by regression-test, infrastructure. To fix:",
        "  regression-test: Add a test that fails without the fix and passes with it (test patterns: guard.testPatterns in .firebreak.yml).",
        '    or override: firebreak check --allow regression-test --reason "<why this is needed>"',
        "  infrastructure: Ship the fix through the pipeline production already uses; change the pipeline separately.",
        '    or override: firebreak check --allow infrastructure --reason "<why this is needed>"',
      ].join("\n"),
    );
  });
});
