import { describe, expect, it } from "vitest";
import { suggestTargets } from "../../src/backport/targets.js";

describe("suggestTargets", () => {
  it("picks release, develop, stable and version branches, best first, and never production, hotfix or backport branches", () => {
    const remote = [
      "main",
      "feature/login",
      "develop",
      "release-candidate",
      "hotfix/ENG-1-x",
      "backport/rc/hotfix-ENG-1",
      "1.4.x",
      "stable",
      "release/2026-11",
    ];
    expect(suggestTargets(remote, ["main"])).toEqual(["release-candidate", "develop", "release/2026-11", "1.4.x"]);
    expect(suggestTargets(["main", "feature/a"], ["main"])).toEqual([]);
    expect(suggestTargets(["master", "1.4.x", "v2.0"], ["master"])).toEqual(["v2.0", "1.4.x"]);
    // Version lines: the one with the fix's parent first, then the most recently moved.
    expect(
      suggestTargets(
        [
          { name: "4.x", date: 300, containsParent: false },
          { name: "5.x", date: 200, containsParent: true },
          { name: "5.0", date: 100, containsParent: false },
          { name: "release-branch-diagram", date: 400 },
        ],
        ["master"],
      ),
    ).toEqual(["5.x", "4.x", "5.0"]);
  });
});
