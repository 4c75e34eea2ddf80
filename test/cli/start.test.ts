// End to end: the built CLI against a real repository with a bare origin.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeRepo, gitIn, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

let fx: GitFixture;
const NOW = { FIREBREAK_NOW: "2026-11-27T15:00:00Z" };

beforeEach(() => {
  fx = makeRepo();
});
afterEach(() => fx.cleanup());

describe("firebreak start", () => {
  it("creates and publishes the hotfix branch from origin/main and records the incident", async () => {
    // origin moves on after the clone: start must branch from the fetched remote, not local main.
    const other = join(fx.root, "other");
    gitIn(fx.root, ["clone", "-q", fx.origin, other]);
    writeFileSync(join(other, "hot.txt"), "x\n");
    gitIn(other, ["add", "."]);
    gitIn(other, ["-c", "user.name=o", "-c", "user.email=o@x", "commit", "-q", "-m", "newer"]);
    gitIn(other, ["push", "-q", "origin", "main"]);
    const originMain = gitIn(other, ["rev-parse", "HEAD"]);

    const r = await firebreak(
      fx.work,
      ["start", "ENG-1234", "Fix auth bypass on expired tokens", "--priority", "P0", "--discovered", "14:23", "--json"],
      { env: NOW },
    );
    expect(r.code, r.stderr).toBe(0);
    const { incident } = r.json();
    expect(incident.branch).toBe("hotfix/ENG-1234-fix-auth-bypass-on-expired-tokens");
    expect(incident.discoveredAt).toBe("2026-11-27T14:23:00.000Z");
    expect(incident.deadlineAt).toBe("2026-11-27T16:23:00.000Z");
    expect(fx.git("rev-parse", "--abbrev-ref", "HEAD")).toBe(incident.branch);
    expect(fx.git("rev-parse", "HEAD")).toBe(originMain);
    // Published with an upstream, so a plain `git pull` or `git push` on it works.
    expect(fx.git("rev-parse", "--abbrev-ref", "@{upstream}")).toBe(`origin/${incident.branch}`);
    expect(gitIn(fx.origin, ["rev-parse", `refs/heads/${incident.branch}`])).toBe(originMain);

    const human = await firebreak(fx.work, ["status"], { env: NOW });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("ENG-1234");
    expect(human.stdout).toMatch(/1h 2[23]m left/);
    expect(human.stdout).toMatch(/Next: firebreak confirm reproduced/);
    expect(human.stdout).toMatch(/not needed at P0/); // staging is skipped for P0
  });

  it("takes the level from triage criteria and prints the next step", async () => {
    const r = await firebreak(
      fx.work,
      ["start", "ENG-7", "Checkout totally broken", "--criteria", "payments-broken,revenue-impact", "--no-push"],
      { env: NOW },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Started ENG-7 (P0");
    expect(r.stdout).toMatch(/Next: .*firebreak check/);
    expect(gitIn(fx.origin, ["branch", "--list", "hotfix/*"])).toBe(""); // --no-push
  });

  it("refuses a dirty work tree, naming the files and the remedy", async () => {
    fx.write("src/app.js", "changed\n");
    const r = await firebreak(fx.work, ["start", "ENG-1", "Broken", "--priority", "P1"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("uncommitted changes");
    expect(r.stderr).toContain("src/app.js");
    expect(r.stderr).toContain("git stash push --include-untracked");
  });

  it("refuses an unknown base branch", async () => {
    const r = await firebreak(fx.work, ["start", "ENG-1", "Broken", "--priority", "P1", "--base", "production"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/origin\/production/);
  });

  it("refuses a ticket that does not match the configured pattern", async () => {
    fx.commit("config", { ".firebreak.yml": 'ticket:\n  pattern: "^OPS-[0-9]+$"\n' });
    fx.git("push", "-q", "origin", "main");
    const r = await firebreak(fx.work, ["start", "ENG-1", "Broken", "--priority", "P1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("^OPS-[0-9]+$");
    const ok = await firebreak(fx.work, ["start", "OPS-1", "Broken", "--priority", "P1", "--no-push"]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it("refuses a ticket already in progress and names that incident", async () => {
    expect((await firebreak(fx.work, ["start", "ENG-9", "First", "--priority", "P2", "--no-push"])).code).toBe(0);
    fx.git("switch", "-q", "main");
    const r = await firebreak(fx.work, ["start", "ENG-9", "Second", "--priority", "P2", "--no-push"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("ENG-9 is already in progress on hotfix/ENG-9-first");
    expect(r.stderr).toContain("firebreak status ENG-9");
  });

  it("never prompts without a terminal: missing input names the flag", async () => {
    const r = await firebreak(fx.work, ["start", "ENG-1", "Broken"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--priority");
  });

  it("--dry-run changes nothing", async () => {
    const r = await firebreak(fx.work, ["start", "ENG-5", "Something", "--priority", "P1", "--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("nothing has been changed");
    expect(fx.git("rev-parse", "--abbrev-ref", "HEAD")).toBe("main");
    expect((await firebreak(fx.work, ["list", "--json"])).json().incidents).toEqual([]);
  });
});

describe("hostile values", () => {
  const hostile: Array<[string, string[]]> = [
    ["ticket as an option", ["start", "--", "--upload-pack=touch pwned", "t", "--priority", "P1"]],
    ["ticket -f", ["start", "--", "-f", "t", "--priority", "P1"]],
    ["ticket with command substitution", ["start", "$(touch pwned)", "t", "--priority", "P1"]],
    ["ticket with backticks", ["start", "`touch pwned`", "t", "--priority", "P1"]],
    ["ticket a..b", ["start", "a..b", "t", "--priority", "P1"]],
    ["ticket x.lock", ["start", "x.lock", "t", "--priority", "P1"]],
    ["base as an option", ["start", "ENG-1", "t", "--priority", "P1", "--base=--upload-pack=touch pwned"]],
    ["base a..b", ["start", "ENG-1", "t", "--priority", "P1", "--base", "a..b"]],
  ];
  it.each(hostile)("%s is refused and never run", async (_name, args) => {
    const r = await firebreak(fx.work, args);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(1); // a clear refusal, not a crash
    expect(existsSync(join(fx.work, "pwned"))).toBe(false);
    expect(existsSync(join(fx.root, "pwned"))).toBe(false);
    expect(fx.git("branch", "--list", "hotfix/*")).toBe("");
  });

  it.each([["-x"], ["a..b"], ["main@{1}"]])("a refused --base %s says the next command, with a valid form", async (base) => {
    const r = await firebreak(fx.work, ["start", "ENG-1", "Broken", "--priority", "P1", "--no-push", "--base", base]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(""); // refused before anything is fetched
    expect(r.stderr).toContain(`Refused --base branch ${JSON.stringify(base)}`);
    expect(r.stderr).toContain('Next: firebreak start ENG-1 "<title>" --priority P1 --base main');
    expect(r.stderr).toContain("git ls-remote --heads origin");
  });

  it("titles with shell metacharacters, newlines and unicode become a safe, bounded branch", async () => {
    const title = "$(touch pwned) `id` Überweisung\nschlägt fehl ✓ " + "x".repeat(150);
    const r = await firebreak(fx.work, ["start", "ENG-42", title, "--priority", "P1", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { incident } = r.json();
    expect(incident.branch).toMatch(/^hotfix\/ENG-42-[a-z0-9-]+$/);
    expect(incident.branch.length).toBeLessThan(80);
    expect(incident.title).not.toContain("\n");
    expect(incident.title.length).toBeLessThanOrEqual(200);
    expect(existsSync(join(fx.work, "pwned"))).toBe(false);
  });

  it("an ext:: remote URL is never run", async () => {
    fx.git("remote", "set-url", "origin", "ext::sh -c touch% pwned");
    const r = await firebreak(fx.work, ["start", "ENG-3", "t", "--priority", "P1"]);
    expect(r.code).not.toBe(0);
    expect(existsSync(join(fx.work, "pwned"))).toBe(false);
    expect(existsSync(join(fx.root, "pwned"))).toBe(false);
  });
});

describe("what a title may hold", () => {
  it("a right-to-left override is removed before it reaches the branch, the record and the tag, and the person is told", async () => {
    const r = await firebreak(fx.work, ["start", "ENG-1234", "Invoice \u202Efdp.exe\u202C leaks", "--priority", "P1", "--no-push"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Removed U+202E, U+202C from the title");
    const s = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(s.incident.title).toBe("Invoice fdp.exe leaks");
    expect(s.incident.branch).not.toMatch(/[\u202a-\u202e]/);
  });

  it("a title over 200 characters is refused with its length, not cut silently", async () => {
    const r = await firebreak(fx.work, ["start", "ENG-1234", "x".repeat(5000), "--priority", "P1", "--no-push"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("The title is 5000 characters; the limit is 200");
    expect((await firebreak(fx.work, ["list", "--json"])).stdout).not.toContain("xxxx");
  });
});
