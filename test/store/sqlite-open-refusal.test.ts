// A record that cannot be opened is refused in words that name a way on: the flag and the variable
// that put it elsewhere exist (a setting in .firebreak.yml for it does not).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FirebreakError } from "../../src/errors.js";
import { openSqliteBackend } from "../../src/store/sqlite.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("a record that cannot be opened", () => {
  it("is refused with STORE_UNAVAILABLE and a next step that names --db and FIREBREAK_DB", () => {
    const dir = mkdtempSync(join(tmpdir(), "fb-sqlite-refusal-"));
    dirs.push(dir);
    // A file where the record's folder should be: no folder can be made there.
    writeFileSync(join(dir, "firebreak"), "not a folder\n");
    let caught: unknown;
    try {
      openSqliteBackend(join(dir, "firebreak", "firebreak.db"));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FirebreakError);
    const e = caught as FirebreakError;
    expect(e.code).toBe("STORE_UNAVAILABLE");
    expect(e.next).toContain("firebreak --db FILE");
    expect(e.next).toContain("FIREBREAK_DB");
    expect(e.next).not.toContain(".firebreak.yml");
  });
});
