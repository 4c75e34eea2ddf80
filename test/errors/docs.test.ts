// docs/errors.md is generated from the catalogue, and the README's exit codes are the ones Firebreak
// exits with: both fail here when they drift.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { EXIT } from "../../src/errors.js";
import { renderErrorsDoc } from "../../src/errors/doc.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("docs/errors.md", () => {
  it("is what the catalogue generates", () => {
    const written = readFileSync(resolve(ROOT, "docs/errors.md"), "utf8");
    expect(written === renderErrorsDoc(), "docs/errors.md is stale: run `npm run docs:errors` and commit the result").toBe(true);
  });
});

describe("the README's exit codes", () => {
  it("are exactly the codes in EXIT", () => {
    const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");
    const section = readme.split(/^## Exit codes$/m)[1]?.split(/^## /m)[0] ?? "";
    // Rows such as "| 4 | refused: …" or "| 129 / 130 / 143 | stopped by …"
    const listed = [...section.matchAll(/^\| ([\d /]+) \|/gm)].flatMap((m) => m[1]!.split("/").map((n) => Number(n.trim())));
    expect(listed.length, "README.md has no exit-code table under '## Exit codes'").toBeGreaterThan(0);
    expect(
      [...listed].sort((a, b) => a - b),
      "README.md's exit-code table differs from EXIT in src/errors/exit.ts",
    ).toEqual([...new Set<number>(Object.values(EXIT))].sort((a, b) => a - b));
  });
});
