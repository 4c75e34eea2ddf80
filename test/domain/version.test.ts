import { describe, expect, it } from "vitest";
import { candidateVersion, compareVersions, latestRelease, nextPatch, parseVersion } from "../../src/domain/version.js";

const next = (reachable: string[], more: Partial<Parameters<typeof nextPatch>[0]> = {}) =>
  nextPatch({ reachable, allTags: reachable, firstVersion: "v0.1.0", tagPrefix: "auto", ...more });

describe("versions", () => {
  it("parses release and pre-release tags, and refuses the rest", () => {
    expect(parseVersion("v2.3.4")).toEqual({ prefix: "v", major: 2, minor: 3, patch: 4, pre: null });
    expect(parseVersion("2.3.4-rc.1")).toEqual({ prefix: "", major: 2, minor: 3, patch: 4, pre: "rc.1" });
    for (const bad of ["v2.3", "release-1", "v01.2.3", "V2.3.4", "v2.3.4+build", "-v1.2.3"]) expect(parseVersion(bad)).toBeNull();
  });

  it("orders by semver, not by text", () => {
    const sorted = ["v1.10.0", "v1.9.9", "v1.2.3-rc.1", "v1.2.3", "v1.2.3-rc.10", "v1.2.3-rc.2"]
      .map((t) => ({ t, v: parseVersion(t)! }))
      .sort((a, b) => compareVersions(a.v, b.v))
      .map((x) => x.t);
    expect(sorted).toEqual(["v1.2.3-rc.1", "v1.2.3-rc.2", "v1.2.3-rc.10", "v1.2.3", "v1.9.9", "v1.10.0"]);
    expect(latestRelease(["v1.9.9", "v1.10.0", "v2.0.0-rc.1", "nightly"])?.tag).toBe("v1.10.0");
  });

  it("v2.3.4 → v2.3.5, keeping the prefix the repository uses", () => {
    expect(next(["v2.3.4", "v2.3.3"])).toEqual({ tag: "v2.3.5", previous: "v2.3.4", first: false });
    expect(next(["2.3.4"]).tag).toBe("2.3.5");
    expect(next(["v1.9.9", "v1.10.0"]).tag).toBe("v1.10.1");
    expect(next(["v2.3.4"], { tagPrefix: "" }).tag).toBe("2.3.5");
  });

  it("the first release is configurable, and follows the repository's prefix habit", () => {
    expect(next([])).toEqual({ tag: "v0.1.0", previous: null, first: true });
    expect(next([], { firstVersion: "1.0.0" }).tag).toBe("1.0.0");
    // Tags elsewhere (not on production) without "v": keep their style.
    expect(nextPatch({ reachable: [], allTags: ["3.0.0", "3.1.0"], firstVersion: "v1.0.0", tagPrefix: "auto" }).tag).toBe("1.0.0");
  });

  it("a staging candidate is a pre-release of the coming version", () => {
    const c = candidateVersion("v1.4.3", "0123456789abcdef");
    expect(c).toBe("v1.4.3-rc.g0123456");
    expect(parseVersion(c)?.pre).toBe("rc.g0123456");
  });
});
