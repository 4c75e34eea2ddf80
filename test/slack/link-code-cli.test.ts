// `firebreak slack link-code` as an operator runs it, on the server's SQLite file: the code it
// prints links to the named person's token once; a name with no person token is a usage error
// that says which command makes one.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openServerStore } from "../../src/store/open-server-store.js";
import { firebreak } from "../helpers/cli.js";

describe("firebreak slack link-code", () => {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-slack-cli-"));
  const data = ["--data", join(dir, "server.db")];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints a one-time code for a person's token; the code links once", async () => {
    // The token commands work on an existing server database: --init-admin makes it.
    expect((await firebreak(dir, ["serve", "--init-admin", ...data])).code).toBe(0);
    const made = await firebreak(dir, ["token", "create", "--name", "alice", "--role", "approver", "--json", ...data]);
    expect(made.code).toBe(0);
    const secret = made.json().token as string;
    const r = await firebreak(dir, ["slack", "link-code", "--name", "alice", ...data]);
    expect(r.code).toBe(0);
    const code = /FBL-[0-9A-F]{12}/.exec(r.stdout)?.[0];
    expect(code).toBeDefined();
    expect(r.stdout).toContain(`/firebreak link ${code}`);
    expect(r.stdout + r.stderr).not.toContain(secret);
    const s = await openServerStore({ sqlitePath: join(dir, "server.db") });
    try {
      const alice = (await s.records.listTokens()).find((t) => t.name === "alice")!;
      expect(await s.records.slack().useLinkCode(code!)).toBe(alice.id);
      expect(await s.records.slack().useLinkCode(code!)).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it("refuses a name without an active person token and says how to make one", async () => {
    const r = await firebreak(dir, ["slack", "link-code", "--name", "nobody", ...data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("No active person token named nobody");
    expect(r.stderr).toContain("firebreak token create --name nobody");
  });
});
