import { describe, expect, it } from "vitest";
import { suggestTargets } from "../../src/backport/targets.js";

describe("suggestTargets", () => {
  it("picks release, develop, stable and version branches, best first, and never production, hotfix or backport branches", () => {
    const remote = ["main", "feature/login", "develop", "release-candidate", "hotfix/ENG-1-x", "backport/rc/hotfix-ENG-1", "1.4.x", "stable", "release/2026-11"];
    expect(suggestTargets(remote, ["main"])).toEqual(["release-candidate", "release/2026-11", "develop", "stable"]);
    expect(suggestTargets(["main", "feature/a"], ["main"])).toEqual([]);
    expect(suggestTargets(["master", "1.4.x", "v2.0"], ["master"])).toEqual(["1.4.x", "v2.0"]);
  });
});
