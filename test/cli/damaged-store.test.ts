// A damaged record is named, never replaced: a database file of 0 bytes or of garbage is refused
// with its path and how to get the record back (exit 8), by every command, and left as it was.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

let fx: GitFixture;
let db: string;
beforeEach(async () => {
  fx = makeRepo();
  db = join(fx.work, ".git", "firebreak", "firebreak.db");
  expect((await firebreak(fx.work, ["start", "ENG-1234", "Expired tokens accepted", "--priority", "P1", "--no-push"])).code).toBe(0);
  for (const side of ["-wal", "-shm"]) rmSync(db + side, { force: true });
});
afterEach(() => fx.cleanup());

describe("a damaged database", () => {
  it.each([
    ["empty (0 bytes)", Buffer.alloc(0), "it is empty (0 bytes)"],
    ["not a database", Buffer.from("this is not sqlite, it was overwritten by a bad copy ".repeat(100)), "file is not a database"],
  ])("%s: status, list and note refuse it with its path and the restore hint, and leave it as it was", async (_what, bytes, reason) => {
    writeFileSync(db, bytes);
    for (const args of [["status"], ["list"], ["note", "still here"]]) {
      const r = await firebreak(fx.work, args);
      expect(r.code, `${args[0]}: ${r.stdout}${r.stderr}`).toBe(8);
      expect(r.stderr).toContain(`The record ${db} cannot be read: ${reason}`);
      expect(r.stderr).toContain("restore it from a backup");
      expect(r.stderr).not.toContain("Unexpected error");
    }
    expect(readFileSync(db)).toEqual(bytes);
  });
});
