// The operator commands on the server's SQLite file: every next step they print names the same
// --data (so following it works on that database), and they never create a new empty database
// where a server's should be.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";

let dir = "";
const env = { FIREBREAK_DATABASE_URL: "" };
const fb = (args: string[]) => firebreak(dir, args, { env });
/** The command a "Next:" line names, split as a shell would for these simple quoted words. */
const nextOf = (out: string) => {
  const line = out.split("\n").find((l) => l.startsWith("Next: "));
  expect(line, out).toBeDefined();
  const text = line!.slice("Next: ".length);
  const cmd = text.slice(text.indexOf("firebreak ")).split("   #")[0]!.trim();
  return [...cmd.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "firebreak-operator-data-"));
  mkdirSync(join(dir, "x dir"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("token and audit with --data", () => {
  it("the next steps carry --data, and following them works on that database", async () => {
    const admin = await fb(["serve", "--data", "x dir/server.db", "--init-admin"]);
    expect(admin.code, admin.stderr).toBe(0);
    const next = nextOf(admin.stdout);
    expect(next.slice(0, 3)).toEqual(["firebreak", "token", "create"]);
    expect(admin.stdout).toContain("--data 'x dir/server.db'");

    const created = await fb(next.slice(1));
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("for alice (responder");
    expect(existsSync(join(dir, "firebreak-server.db"))).toBe(false);

    const revokeNext = nextOf(created.stdout);
    expect(revokeNext).toContain("x dir/server.db");
    const revoked = await fb(revokeNext.slice(1));
    expect(revoked.code, revoked.stderr).toBe(0);
    const list = await fb(nextOf(revoked.stdout).slice(1));
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/alice\s+responder\s+person\s+revoked/);

    const audit = await fb(["audit", "--data", "x dir/server.db"]);
    expect(audit.code, audit.stderr).toBe(0);
    expect(nextOf(audit.stdout)).toEqual(["firebreak", "audit", "--verify", "--data", "x dir/server.db"]);
    expect(existsSync(join(dir, "firebreak-server.db"))).toBe(false);
  });

  it("refuses a second live token of one name in a team, names the live one, and its next step frees the name", async () => {
    const data = ["--data", "x dir/server.db"];
    expect((await fb(["serve", ...data, "--init-admin"])).code).toBe(0);
    const first = await fb(["token", "create", "--name", "alice", "--role", "responder", ...data, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const id = first.json().id;

    // Dana and dana are one person: the name compares without case.
    const again = await fb(["token", "create", "--name", "Alice", "--role", "commander", ...data]);
    expect(again.code).toBe(4);
    expect(again.stdout).toBe(""); // no secret printed
    expect(again.stderr).toContain(`alice already has a live token, ${id} (responder, person`);
    expect(again.stderr).toContain("could not be told apart");
    expect(again.stderr).toContain("firebreak token list --data 'x dir/server.db'");
    expect(nextOf(again.stderr)).toEqual(["firebreak", "token", "revoke", id, "--data", "x dir/server.db"]);
    const listed = await fb(["token", "list", ...data]);
    expect(listed.stdout.match(/alice/gi)).toHaveLength(1);

    // Another team has its own names.
    expect((await fb(["serve", ...data, "--init-admin", "--team", "payments"])).code).toBe(0);
    const other = await fb(["token", "create", "--name", "alice", "--role", "responder", ...data, "--team", "payments"]);
    expect(other.code, other.stderr).toBe(0);

    // Following the next step frees the name.
    expect((await fb(nextOf(again.stderr).slice(1))).code).toBe(0);
    const replaced = await fb(["token", "create", "--name", "Alice", "--role", "commander", ...data]);
    expect(replaced.code, replaced.stderr).toBe(0);
  });

  it("refuses to create a new empty server database, and names the command that makes one", async () => {
    for (const args of [
      ["token", "create", "--name", "alice", "--role", "responder"],
      ["token", "list"],
      ["token", "revoke", "tok_x"],
      ["audit"],
      ["token", "list", "--data", "x dir/server.db"],
    ]) {
      const r = await fb(args);
      expect(r.code, args.join(" ")).toBe(4);
      expect(r.stderr).toMatch(/No server database at .*(firebreak-server\.db|x dir\/server\.db)/);
      expect(r.stderr).toContain("firebreak serve --init-admin --data");
    }
    expect(existsSync(join(dir, "firebreak-server.db"))).toBe(false);
    expect(existsSync(join(dir, "x dir", "server.db"))).toBe(false);
  });
});
