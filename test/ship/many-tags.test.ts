// A repository with hundreds of release tags (express has ~300): ship picks the next patch after
// the latest release production contains, and asks git a fixed number of times to find it,
// however many tags there are (it once started one `git merge-base` per tag).

import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { gitCounter, subcommandOf } from "../helpers/git-count.js";
import { gitIn } from "../helpers/git-fixture.js";
import { makeShipFixture, type ShipFixture } from "./fixture.js";

let f: ShipFixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

/** Annotated tags through one fast-import (git tag -a per tag would take seconds). */
function annotatedTags(bare: string, tags: [name: string, sha: string][]): void {
  const stream = tags
    .map(([name, sha]) => `tag ${name}\nfrom ${sha}\ntagger Rel <rel@example.test> 1700000000 +0000\ndata 8\nrelease\n`)
    .join("");
  execFileSync("git", ["fast-import", "--quiet"], { cwd: bare, input: stream });
}

describe("ship on a repository with hundreds of tags", () => {
  it("tags the next patch after production's latest release, with a handful of git processes", async () => {
    f = await makeShipFixture();
    const { fx } = f;
    const [first, second] = gitIn(fx.origin, ["rev-list", "--reverse", "main"]).split("\n");
    // A 2.x line that production does not contain: higher versions, never the one to follow.
    fx.git("checkout", "-q", "-b", "next", "v1.4.2");
    const next = fx.commit("feat: 2.0");
    fx.git("push", "-q", "origin", "next");
    fx.git("checkout", "-q", "-");
    const tags: [string, string][] = [];
    for (let minor = 0; minor < 4; minor++)
      for (let patch = 0; patch < 60; patch++) tags.push([`v1.${minor}.${patch}`, minor < 2 ? first! : second!]);
    for (let patch = 0; patch < 60; patch++) tags.push([`v2.0.${patch}`, next]);
    annotatedTags(fx.origin, tags);
    fx.git("fetch", "-q", "--tags", "origin"); // a clone has the tags
    // One release only on the remote (pushed by someone since): asked about on its own.
    annotatedTags(fx.origin, [["v1.9.0", next]]);
    expect(gitIn(fx.origin, ["tag", "-l"]).split("\n").length).toBeGreaterThan(300);

    const count = gitCounter(fx.root);
    const r = await f.cli(["ship", "--json"], count.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().outcome.tag).toBe("v1.4.3");
    const calls = count.take();
    const mergeBases = calls.filter((l) => subcommandOf(l) === "merge-base");
    // Production's merge checks and the one remote-only tag, not one per tag.
    expect(mergeBases.length, mergeBases.join("\n")).toBeLessThanOrEqual(5);
    expect(calls.length, calls.join("\n")).toBeLessThan(100); // not one per tag (301 tags)
  });
});
