import { describe, expect, it } from "vitest";
import { ciFormat, formatAnnotation, guardAnnotations } from "../../src/action/annotations.js";
import type { GuardReport } from "../../src/guard/guard.js";

const report: GuardReport = {
  priority: "P1",
  findings: [
    { rule: "dependencies", severity: "block", file: "package.json", message: "A dependency changed.", remedy: "Revert it." },
    { rule: "size", severity: "warn", message: "120 lines changed.", remedy: "Keep it small." },
    { rule: "spread", severity: "block", file: "a.ts", message: "Many modules.", remedy: "Split.", allowed: "needed for the fix" },
  ],
  allowed: [{ rule: "spread", reason: "needed for the fix", count: 1 }],
  blocked: true,
  stats: { files: 2, lines: 10, testFiles: 0, testLines: 0 },
};

describe("guard annotations", () => {
  it("maps a block to an error, a warning to a warning and an allowed block to a notice", () => {
    expect(guardAnnotations(report).map((a) => a.level)).toEqual(["error", "warning", "notice"]);
  });

  it("writes GitHub workflow commands with the file, line and title", () => {
    const lines = guardAnnotations(report).map((a) => formatAnnotation(a, "github"));
    expect(lines[0]).toMatch(
      /^::error file=package\.json,line=1,title=firebreak guard%3A dependencies::A dependency changed\. To fix: Revert it\./,
    );
    expect(lines[1]).toMatch(/^::warning title=firebreak guard%3A size::120 lines changed\./);
  });

  it("escapes a hostile file name so it cannot close the properties or start a second command", () => {
    const line = formatAnnotation(
      { level: "error", file: "x,line=9::\n::error file=evil.ts::owned%", line: 1, title: "t", message: "m\r\n::warning::injected 100%" },
      "github",
    );
    expect(line.split("\n")).toHaveLength(1);
    expect(line).toBe(
      "::error file=x%2Cline=9%3A%3A%0A%3A%3Aerror file=evil.ts%3A%3Aowned%25,line=1,title=t::m%0D%0A::warning::injected 100%25",
    );
  });

  it("writes one plain line per finding for other CIs", () => {
    const lines = guardAnnotations(report).map((a) => formatAnnotation(a, "plain"));
    expect(lines[0]).toBe(
      'package.json:1: error: firebreak guard: dependencies: A dependency changed. To fix: Revert it. Or override: firebreak check --allow dependencies --reason "<why>"',
    );
    expect(formatAnnotation({ level: "error", file: "a\nb", line: 1, title: "t", message: "x\ny" }, "plain")).toBe("a b:1: error: t: x y");
  });

  it("picks GitHub format inside GitHub Actions unless told otherwise", () => {
    expect(ciFormat(true, { GITHUB_ACTIONS: "true" })).toBe("github");
    expect(ciFormat(true, {})).toBe("plain");
    expect(ciFormat("plain", { GITHUB_ACTIONS: "true" })).toBe("plain");
  });
});
