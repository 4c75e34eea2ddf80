// How a backport is asked for on a PR: labels and comment lines, read the same by every face.

import { describe, expect, it } from "vitest";
import { backportCommands, isBackportLabel, targetsOfLabel, targetsOfLabels } from "../../src/backport/requests.js";
import { overall } from "../../src/workflow/backport-pr.js";

const configured = [{ branch: "release-1", short: "r1" }, { branch: "release-2" }];

describe("backport requests", () => {
  it("reads `backport <branch>` labels, `all-supported` as every configured target, each branch once", () => {
    expect(targetsOfLabel("backport release-1", configured)).toEqual(["release-1"]);
    expect(targetsOfLabel("backport all-supported", configured)).toEqual(["release-1", "release-2"]);
    expect(targetsOfLabel("bug", configured)).toEqual([]);
    expect(targetsOfLabel("backport", configured)).toEqual([]);
    expect(targetsOfLabels(["backport release-2", "backport all-supported", "P1"], configured)).toEqual(["release-2", "release-1"]);
    expect(isBackportLabel(" backport develop ")).toBe(true);
    expect(isBackportLabel("backport-failed")).toBe(false);
  });

  it("reads one `/firebreak backport <branch>` a line and nothing else", () => {
    expect(
      backportCommands("thanks!\n/firebreak backport release-1\r\n  /firebreak backport develop  \nplease /firebreak backport x"),
    ).toEqual(["release-1", "develop"]);
  });

  it("sums the targets up the same way for the CLI's exit code and the Action's result", () => {
    expect(overall([])).toEqual({ result: "none", exit: 0 });
    expect(overall([{ status: "done" }, { status: "already-contains" }])).toEqual({ result: "done", exit: 0 });
    expect(overall([{ status: "done" }, { status: "failed" }])).toEqual({ result: "failed", exit: 9 });
    expect(overall([{ status: "failed" }, { status: "conflicted" }])).toEqual({ result: "conflicted", exit: 6 });
  });
});
