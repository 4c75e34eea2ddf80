// What a new user meets first, on real repositories with a bare origin: a production branch that
// is not main, commands run outside a repository, times, ticket ids and --help.

import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeRepo, gitIn, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

let fx: GitFixture | undefined;
const cleanups: Array<() => void> = [];
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
  for (const c of cleanups.splice(0)) c();
});
const NOW = { FIREBREAK_NOW: "2026-11-27T15:00:00Z" };

describe("the production branch without .firebreak.yml", () => {
  it("start branches from the remote's HEAD (here: master), as --help says, not from main", async () => {
    fx = makeRepo({ branch: "master" });
    const r = await firebreak(fx.work, ["start", "ENG-1", "Broken sessions", "--priority", "P1", "--json"], { env: NOW });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().incident.base).toBe("master");
    expect(fx.git("rev-parse", "HEAD")).toBe(gitIn(fx.origin, ["rev-parse", "master"]));
  });

  it("a remote whose HEAD is neither main nor master (trunk) is followed too", async () => {
    fx = makeRepo({ branch: "trunk" });
    const r = await firebreak(fx.work, ["start", "ENG-2", "Broken", "--priority", "P2", "--dry-run"], { env: NOW });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("from origin/trunk");
  });
});

describe("read-only commands outside a repository", () => {
  it.each([["status"], ["list"], ["incidents"], ["log"]])("%s writes nothing and says where to run it", async (cmd) => {
    const dir = mkdtempSync(join(tmpdir(), "firebreak-norepo-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const r = await firebreak(dir, [cmd], { env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("not inside a git repository");
    expect(r.stderr).toMatch(/Next: cd into your project's checkout/);
    expect(r.stdout).not.toContain("No incident");
    expect(existsSync(join(dir, ".firebreak"))).toBe(false);
  });
});

describe("times, tickets and help", () => {
  it("a discovery time in the future is refused by triage and start, with a time that works", async () => {
    fx = makeRepo();
    for (const args of [
      ["triage", "--criteria", "auth-bypass"],
      ["start", "ENG-3", "Broken", "--priority", "P1", "--no-push"],
    ]) {
      const r = await firebreak(fx.work, [...args, "--discovered", "2026-11-27T18:00Z"], { env: NOW });
      expect(r.code, r.stdout).toBe(2);
      expect(r.stderr).toContain("is in the future");
      expect(r.stderr).toContain("Next: give the time it was discovered, e.g. --discovered 15:00");
    }
  });

  it("one-letter ticket keys (X-1) are accepted by the default pattern", async () => {
    fx = makeRepo();
    const r = await firebreak(fx.work, ["start", "X-1", "Broken", "--priority", "P2", "--no-push", "--json"], { env: NOW });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().incident.branch).toBe("hotfix/X-1-broken");
  });

  it("--json is listed in every subcommand's --help", async () => {
    fx = makeRepo();
    for (const cmd of ["status", "start", "ship", "verify", "backport", "incidents"]) {
      const r = await firebreak(fx.work, [cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout, cmd).toMatch(/--json\s+print machine-readable JSON/);
    }
  });
});
