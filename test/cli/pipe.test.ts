// `firebreak … | head`: the reader closes the pipe after a few lines. That must end the command
// quietly, not with a stack trace about EPIPE.

import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { join } from "node:path";

describe("a closed output pipe", () => {
  it("ends the command quietly with exit 0", async () => {
    const child = spawn(process.execPath, [join(process.cwd(), "dist/firebreak.js"), "triage", "--list"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    // Read the first chunk, then close our end like `head -1` does.
    await new Promise<void>((r) => child.stdout.once("data", () => r()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });
});
