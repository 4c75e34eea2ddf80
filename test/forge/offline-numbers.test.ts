// Offline PR numbers: an incident's PR opened after two backport PRs must not reuse #1–#3.

import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backportPrDir, nextOfflinePrNumber } from "../../src/adapters/forge/offline-numbers.js";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("offline PR numbers", () => {
  it("continue after the backport PRs on disk, skipping a half-written file", async () => {
    dir = mkdtempSync(join(tmpdir(), "firebreak-numbers-"));
    expect(await nextOfflinePrNumber(undefined, dir)).toBe(1);
    mkdirSync(backportPrDir(dir), { recursive: true });
    writeFileSync(join(backportPrDir(dir), "backport%2Frc%2Fhotfix-ENG-1.json"), JSON.stringify({ number: 2 }));
    writeFileSync(join(backportPrDir(dir), "backport%2Fdevelop%2Fhotfix-ENG-1.json"), JSON.stringify({ number: 3 }));
    writeFileSync(join(backportPrDir(dir), "torn.json"), '{"numb');
    expect(await nextOfflinePrNumber(undefined, dir)).toBe(4);
  });
});
