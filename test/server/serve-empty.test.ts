// `firebreak serve` on a database with no tokens says at start that no one can sign in yet, and
// the command that makes the first token; the admin token it prints is accepted by the running
// server at once. A server that has tokens says nothing of the kind.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { startServe } from "../helpers/serve-process.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "firebreak-serve-empty-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts serve on the SQLite file `data`, in the test's folder. */
const serve = (data: string) => startServe({ sqlitePath: data, cwd: dir });

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
