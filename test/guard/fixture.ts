// A hotfix branch in a real temp repository, with a small well-formed fix already made, so each
// rule test adds the one thing that rule looks for.

import { makeRepo } from "../helpers/git-fixture.js";
import type { GitFixture } from "../helpers/git-fixture.js";
import { readChangeSet } from "../../src/guard/read-diff.js";
import { runGuard } from "../../src/guard/guard.js";
import type { GuardOptions, GuardReport } from "../../src/guard/guard.js";

export const GOOD_FIX = {
  "src/auth.js":
    "export function check(t) {\n  // ENG-1234: empty tokens passed because the length was never checked\n  return t.length > 0;\n}\n",
  "test/auth.test.js": "// tests\nit('rejects empty tokens', () => {});\n",
};

/** `base`: files committed to production (origin/main) before the hotfix branch starts. */
export function hotfixRepo(base: Record<string, string> = {}): GitFixture {
  const fx = makeRepo();
  if (Object.keys(base).length) {
    fx.commit("production", base);
    fx.git("push", "-q", "origin", "main");
  }
  fx.git("checkout", "-q", "-b", "hotfix/ENG-1234-empty-token");
  for (const [p, c] of Object.entries(GOOD_FIX)) fx.write(p, c);
  return fx;
}

export async function guard(fx: GitFixture, opts: Partial<GuardOptions> = {}): Promise<GuardReport> {
  const changes = await readChangeSet(fx.work, "origin/main");
  return runGuard(changes, { priority: "P1", ticket: "ENG-1234", allows: [], ...opts });
}

export const rulesHit = (r: GuardReport) => [...new Set(r.findings.map((f) => f.rule))];
