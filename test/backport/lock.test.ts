// Two backports at once: one proceeds, the other stops and names the run holding the lock; and
// offline PR numbers are claimed, so racing runs never give two PRs the same number. A real
// repository with a bare origin whose pre-receive hook holds the first run mid-push until the
// test lets it go (a condition, not a timer).

import { afterEach, describe, expect, it } from "vitest";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { nextOfflinePrNumber } from "../../src/adapters/forge/offline-numbers.js";
import { OfflineBackportPrs } from "../../src/backport/offline-pr.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { makeCliFixture, TICKET, type CliFixture } from "./cli-fixture.js";

let fx: (CliFixture | GitFixture) | undefined;
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

/** Waits (bounded) until `ok()` holds; fails with `what` otherwise. */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(ok(), what).toBe(true);
}

describe("backport takes a lock", () => {
  it("a second run while the first is pushing stops and names the holder; the first finishes alone", async () => {
    const f = (fx = await makeCliFixture({ pr: true }));
    const arrived = join(f.root, "arrived.log");
    const release = join(f.root, "release");
    // Every push to the origin waits here (at most ~60 s) until the test creates `release`.
    const hook = join(f.origin, "hooks", "pre-receive");
    writeFileSync(
      hook,
      `#!/bin/sh\necho x >> "${arrived}"\ni=0\nwhile [ ! -e "${release}" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\ncat >/dev/null\n`,
    );
    chmodSync(hook, 0o755);
    const pushes = () => (existsSync(arrived) ? readFileSync(arrived, "utf8").trim().split("\n").length : 0);

    const first = f.cli(["backport", "--json"]);
    await until(() => pushes() >= 1, "the first run reached its push");
    const second = f.cli(["backport"]);
    // The second run either ends by itself (refused) or reaches a push of its own (no lock): both settle here.
    let secondDone = false;
    void second.then(() => (secondDone = true));
    await until(() => secondDone || pushes() >= 2, "the second run ended or pushed");
    writeFileSync(release, "");
    const [a, b] = await Promise.all([first, second]);

    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stdout + b.stderr).toBe(4);
    expect(b.stderr).toMatch(new RegExp(`locked by \`firebreak backport\` for ${TICKET}, run by tester \\(pid \\d+`));
    expect(b.stderr).not.toContain("Unexpected error");
    expect(pushes()).toBe(2); // the first run's two targets, nothing from the second
    const numbers = Object.values(f.prs()).map((p) => p.number);
    expect(numbers).toHaveLength(2);
    expect(new Set(numbers).size).toBe(2);

    // Once the first is done, the lock is free again.
    const after = await f.cli(["backport"]);
    expect(after.code, after.stderr).toBe(0);
  });
});

describe("offline PR numbers", () => {
  it("racing claims in one repository never share a number, and continue after the PRs on file", async () => {
    const f = (fx = makeRepo());
    const common = join(f.work, ".git");
    const got = await Promise.all(Array.from({ length: 8 }, () => nextOfflinePrNumber(null, common)));
    expect([...got].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // Two backport PRs opened at once for different heads get different numbers, after those.
    const prs = new OfflineBackportPrs({ cwd: f.work, store: null });
    const [p, q] = await Promise.all([
      prs.openPullRequest({ head: "backport/4.x/hotfix-A", base: "4.x", title: "a", body: "", draft: false }),
      prs.openPullRequest({ head: "backport/v2.x/hotfix-B", base: "v2.x", title: "b", body: "", draft: false }),
    ]);
    expect([p.number, q.number].sort((x, y) => x - y)).toEqual([9, 10]);
  });
});
