// `firebreak serve` on a database with no tokens says at start that no one can sign in yet, and
// the command that makes the first token; the admin token it prints is accepted by the running
// server at once. A server that has tokens says nothing of the kind.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, firebreak } from "../helpers/cli.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "firebreak-serve-empty-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts serve on `data`; resolves once it listens, with its url, its stderr so far and a stop. */
async function serve(data: string): Promise<{ url: string; stderr: () => string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--data", data], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", FIREBREAK_DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}${err}`)), 30_000);
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).url);
      }
    });
  });
  return {
    url,
    stderr: () => err,
    async stop() {
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

describe("firebreak serve on an empty database", () => {
  it("says no one can sign in yet and names --init-admin; the token it makes works at once", async () => {
    const data = join(dir, "new.db");
    const s = await serve(data);
    try {
      // Written right after the listening line, once the count has answered.
      await expect.poll(s.stderr, { timeout: 10_000 }).toContain("No one can sign in yet");
      expect(s.stderr()).toContain("No one can sign in yet: this server's database has no tokens.");
      expect(s.stderr()).toContain(`Next: firebreak serve --init-admin --data ${data}`);

      const admin = await firebreak(dir, ["serve", "--init-admin", "--data", data, "--json"]);
      expect(admin.code, admin.stderr).toBe(0);
      const login = await firebreak(dir, ["whoami"], {
        env: { XDG_CONFIG_HOME: join(dir, "home"), FIREBREAK_SERVER: s.url, FIREBREAK_TOKEN: admin.json().token },
      });
      expect(login.code, login.stderr).toBe(0);
      expect(login.stdout).toContain("admin");
    } finally {
      await s.stop();
    }
  });

  it("says nothing of the kind once a token exists", async () => {
    const data = join(dir, "used.db");
    expect((await firebreak(dir, ["serve", "--init-admin", "--data", data])).code).toBe(0);
    const s = await serve(data);
    await new Promise((r) => setTimeout(r, 1000)); // as long as the hint would take to come
    await s.stop();
    expect(s.stderr()).not.toContain("No one can sign in");
    expect(s.stderr()).not.toContain("--init-admin");
  });
});
