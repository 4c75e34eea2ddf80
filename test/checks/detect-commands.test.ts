import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { detectCheckCommands } from "../../src/checks/detect-commands.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "firebreak-detect-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pkg = (o: object) => writeFileSync(join(dir, "package.json"), JSON.stringify(o));

describe("detectCheckCommands", () => {
  it("uses the lock file's package manager for package.json scripts", () => {
    pkg({ scripts: { test: "vitest run", "type-check": "tsc", build: "vite build" } });
    writeFileSync(join(dir, "pnpm-lock.yaml"), "");
    expect(detectCheckCommands(dir, {})).toEqual([
      { name: "test", command: "pnpm run test", source: "package.json" },
      { name: "typecheck", command: "pnpm run type-check", source: "package.json" },
      { name: "build", command: "pnpm run build", source: "package.json" },
    ]);
  });
  it.each([
    ["yarn.lock", "yarn"],
    ["bun.lockb", "bun"],
    ["package-lock.json", "npm"],
  ])("%s → %s", (lock, pm) => {
    pkg({ scripts: { test: "t" } });
    writeFileSync(join(dir, lock), "");
    expect(detectCheckCommands(dir, {})[0]!.command).toBe(`${pm} run test`);
  });
  it("configured commands win; npm's placeholder test and absent scripts are not commands", () => {
    pkg({ scripts: { test: 'echo "Error: no test specified" && exit 1', build: "tsc" } });
    expect(detectCheckCommands(dir, { build: "make release" })).toEqual([
      { name: "test", command: null, source: "none" },
      { name: "typecheck", command: null, source: "none" },
      { name: "build", command: "make release", source: "config" },
    ]);
  });
  it("works without a package.json", () => {
    expect(detectCheckCommands(dir, { test: "go test ./..." }).map((c) => c.command)).toEqual(["go test ./...", null, null]);
  });
});
