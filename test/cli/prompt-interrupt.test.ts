// Ctrl-C at a question, on a real terminal (util-linux `script` gives the CLI a pty).

import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { CLI } from "../helpers/cli.js";

let fx: GitFixture | undefined;
afterEach(() => fx?.cleanup());

/** Runs the CLI on a pty, sends Ctrl-C once the prompt shows, returns what a person saw and the exit code. */
function ctrlCAtPrompt(cwd: string, args: string[]): Promise<{ code: number | null; seen: string }> {
  return new Promise((resolve, reject) => {
    const cmd = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const child = spawn("script", ["-qefc", cmd, "/dev/null"], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", FIREBREAK_ACTOR: "tester" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let seen = "";
    let sent = false;
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.stdout.on("data", (b: Buffer) => {
      seen += b.toString();
      if (!sent && seen.includes("> ")) {
        sent = true;
        child.stdin.write("\x03");
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, seen });
    });
  });
}

describe("Ctrl-C at a prompt", () => {
  it("ends quietly with 130, not as an unexpected error", async () => {
    fx = makeRepo();
    const r = await ctrlCAtPrompt(fx.work, ["triage"]);
    expect(r.seen).toContain("What is happening?");
    expect(r.seen).not.toContain("Unexpected error");
    expect(r.seen).not.toContain("report the output");
    expect(r.code).toBe(130);
  });
});
