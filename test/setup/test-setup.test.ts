// `npm test` on a fresh machine: the pretest setup either provides what the tests need or stops
// at once naming the one command that fixes it (it once failed 20 minutes in on a missing binary).

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("npm test's setup (scripts/test-setup.mjs)", () => {
  it("without prometheus and no way to install it, stops naming the apt-get command", () => {
    const bin = mkdtempSync(join(tmpdir(), "firebreak-setup-"));
    try {
      symlinkSync("/bin/sh", join(bin, "sh")); // a PATH with a shell and nothing else: no prometheus, no apt-get
      const r = spawnSync(process.execPath, ["scripts/test-setup.mjs"], {
        encoding: "utf8",
        env: { ...process.env, PATH: bin },
        timeout: 30_000,
      });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain("npm test needs Debian's prometheus");
      expect(r.stderr).toMatch(/Next: (sudo )?apt-get install -y --no-install-recommends prometheus/);
      expect(r.stderr).toContain("npm run test:fast");
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
