// `firebreak status` has a fast path (no commander, no Kysely). It must say exactly what the full
// program says, including from a linked worktree and when it has to fall back.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";
import { findGitDir } from "../../src/cli/find-git-dir.js";
import { READER_SCHEMA_VERSION } from "../../src/store/sqlite-reader.js";
import { LATEST_VERSION } from "../../src/store/migrations.js";

let fx: GitFixture;
const env = { FIREBREAK_NOW: "2026-11-27T15:00:00Z" };
beforeEach(async () => {
  fx = makeRepo();
  expect((await firebreak(fx.work, ["start", "ENG-5", "Login broken", "--priority", "P1", "--no-push"], { env })).code).toBe(0);
  await firebreak(fx.work, ["note", "looking at the token code"], { env });
});
afterEach(() => fx.cleanup());

// Time moves between runs; everything else must match.
const stable = (s: string) => s.replace(/"(ms|text)": [^\n]+/g, '"$1": x').replace(/\d+h \d+m left/g, "x left");

describe("status fast path", () => {
  it("prints the same JSON and text as the full program", async () => {
    for (const args of [["status", "--json"], ["status"], ["status", "ENG-5", "-n", "1"]]) {
      const fast = await firebreak(fx.work, args, { env });
      const full = await firebreak(fx.work, args, { env: { ...env, FIREBREAK_FAST_STATUS: "0" } });
      expect(fast.code).toBe(0);
      expect(stable(fast.stdout)).toBe(stable(full.stdout));
    }
  });

  it("finds the record and the branch from a linked worktree", async () => {
    const wt = join(fx.root, "wt");
    fx.git("worktree", "add", "-q", wt, "-b", "side");
    expect(findGitDir(wt)).toEqual({ commonDir: join(fx.work, ".git"), branch: "side" });
    const r = await firebreak(wt, ["status", "ENG-5", "--json"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().incident.ticket).toBe("ENG-5");
  });

  it("errors the same way: an unknown ticket exits 4 with the next step", async () => {
    const r = await firebreak(fx.work, ["status", "ENG-404"], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("firebreak list");
  });

  it("reads the schema version the migrations write", () => {
    expect(READER_SCHEMA_VERSION).toBe(LATEST_VERSION);
  });
});
