// firebreak backport end to end on the offline git forge: the built CLI, a real repository with a
// bare origin, the SQLite record.

import { afterEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gitIn } from "../helpers/git-fixture.js";
import { AUTH } from "./fixture.js";
import { conflictOnDevelop, FIXED, makeCliFixture, TICKET, type CliFixture } from "./cli-fixture.js";

let fx: CliFixture | undefined;
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

const RC = `backport/rc/hotfix-${TICKET}`;
const DEV = `backport/develop/hotfix-${TICKET}`;

describe("firebreak backport", () => {
  it("carries the fix to both targets, opens one PR each and records it; a re-run does nothing again", async () => {
    fx = await makeCliFixture({ pr: true });
    const headBefore = fx.git("rev-parse", "HEAD");
    const pushesBefore = fx.pushes().length;

    const r = await fx.cli(["backport", "--json"]);

    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out.fixCommits).toEqual([fx.fix]);
    expect(out.targets.map((t: any) => [t.target.branch, t.status, t.branch])).toEqual([
      ["release-candidate", "done", RC],
      ["develop", "done", DEV],
    ]);
    // The user's checkout did not move.
    expect(fx.git("rev-parse", "HEAD")).toBe(headBefore);
    expect(fx.git("status", "--porcelain")).toBe("");
    for (const [branch, base] of [
      [RC, "release-candidate"],
      [DEV, "develop"],
    ] as const) {
      const sha = gitIn(fx.origin, ["rev-parse", branch]);
      expect(gitIn(fx.origin, ["rev-parse", `${sha}^`])).toBe(gitIn(fx.origin, ["rev-parse", base]));
      expect(gitIn(fx.origin, ["show", `${sha}:src/auth.js`])).toBe(FIXED.trimEnd());
      expect(gitIn(fx.origin, ["log", "-1", "--format=%B", sha])).toContain(`(cherry picked from commit ${fx.fix})`);
    }
    expect(fx.pushes().slice(pushesBefore).sort()).toEqual([`refs/heads/${DEV}`, `refs/heads/${RC}`]);

    const prs = fx.prs();
    expect(Object.keys(prs).sort()).toEqual([DEV, RC]);
    const rcPr = prs[RC]!;
    expect(rcPr.base).toBe("release-candidate");
    expect(rcPr.title).toBe(`[BACKPORT][HOTFIX][P1] ${TICKET}: Expired tokens accepted → release-candidate`);
    expect(rcPr.labels.sort()).toEqual(["P1", "backport", "hotfix"]);
    // The body links the original PR (#1 on the git forge) and the incident.
    expect(rcPr.body).toMatch(/Original pull request: \[#1\]/);
    expect(rcPr.body).toContain(`Incident: ${TICKET} (P1`);
    expect(rcPr.body).toContain(fx.fix.slice(0, 12));
    expect(new Set(Object.values(prs).map((p) => p.number)).size).toBe(2);
    expect(Object.values(prs).map((p) => p.number)).not.toContain(1);
    expect(r.json().targets[0].pr).toEqual({ number: rcPr.number, url: rcPr.url });

    const incident = await fx.incident();
    expect(incident.data.backports).toEqual({
      "release-candidate": { branch: RC, sha: out.targets[0].sha, pr: { number: rcPr.number, url: rcPr.url }, state: "done" },
      develop: { branch: DEV, sha: out.targets[1].sha, pr: { number: prs[DEV]!.number, url: prs[DEV]!.url }, state: "done" },
    });
    expect((await fx.events("backport.target")).map((e) => e.data.summary)).toEqual([
      `release-candidate: backported, PR #${rcPr.number}`,
      `develop: backported, PR #${prs[DEV]!.number}`,
    ]);
    expect(await fx.events("backport.done")).toHaveLength(1);
    const status = (await fx.cli(["status", "--json", TICKET])).json();
    expect(status.checklist.find((i: { id: string }) => i.id === "backported")?.state).toBe("done");

    // Again: nothing pushed, nothing opened, nothing new on the timeline but what the table says.
    const again = await fx.cli(["backport"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/release-candidate\s+done\s+PR #\d+/);
    expect(fx.pushes().length).toBe(pushesBefore + 2);
    expect(Object.keys(fx.prs())).toHaveLength(2);
    expect(await fx.events("backport.pr-opened")).toHaveLength(2);
    expect(await fx.events("backport.target")).toHaveLength(2);
    expect(await fx.events("backport.done")).toHaveLength(1);
  });

  it("one target conflicts and the other is done: both in the table, exit 6, then --continue after resolving", async () => {
    fx = await makeCliFixture({ before: conflictOnDevelop });

    const r = await fx.cli(["backport"]);

    expect(r.code, r.stderr).toBe(6);
    expect(r.stdout).toMatch(/release-candidate\s+done\s+PR #1 /);
    expect(r.stdout).toMatch(/develop\s+conflicted\s+src\/auth\.js/);
    expect(r.stdout).toContain("firebreak backport --continue --to develop");
    expect(gitIn(fx.origin, ["rev-parse", RC])).toMatch(/^[0-9a-f]{40}$/);
    expect(() => gitIn(fx!.origin, ["rev-parse", "--verify", "-q", DEV])).toThrow();
    const worktree = /cd "([^"]+)"/.exec(r.stdout)?.[1] as string;
    const file = join(worktree, "src/auth.js");
    expect(readFileSync(file, "utf8")).toMatch(/^<<<<<<< /m);
    expect((await fx.incident()).data.backports.develop).toMatchObject({ state: "conflicted", files: ["src/auth.js"] });

    // Markers left behind: refused, nothing committed or pushed.
    writeFileSync(file, readFileSync(file, "utf8").replace(/^<<<<<<< .*\n/m, ""));
    const refused = await fx.cli(["backport", "--continue"]);
    expect(refused.code).toBe(6);
    expect(refused.stdout).toMatch(/develop\s+conflicted/);
    expect(refused.stdout).toContain("conflict markers");
    expect(() => gitIn(fx!.origin, ["rev-parse", "--verify", "-q", DEV])).toThrow();
    expect(fx.git("branch", "--list", DEV)).toBe("");

    writeFileSync(file, AUTH("if (isExpired(t)) return false;"));
    const done = await fx.cli(["backport", "--continue", "--json"]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.json().targets.map((t: any) => t.status)).toEqual(["done", "done"]);
    const sha = gitIn(fx.origin, ["rev-parse", DEV]);
    expect(gitIn(fx.origin, ["show", `${sha}:src/auth.js`])).toBe(AUTH("if (isExpired(t)) return false;").trimEnd());
    expect(gitIn(fx.origin, ["log", "-1", "--format=%B", sha])).toContain(`(cherry picked from commit ${fx.fix})`);
    expect(existsSync(worktree)).toBe(false);
    const prs = fx.prs();
    expect(prs[DEV]?.body).toContain("resolved a conflict");
    expect(Object.keys(prs)).toHaveLength(2);
    expect((await fx.incident()).data.backports.develop).toMatchObject({ state: "done", sha });
    expect(await fx.events("backport.done")).toHaveLength(1);
    // A plain re-run now skips both.
    const again = await fx.cli(["backport"]);
    expect(again.code, again.stderr).toBe(0);
    expect(Object.keys(fx.prs())).toHaveLength(2);
  });

  it("--abort drops the conflicted target's worktree and branch and records it", async () => {
    fx = await makeCliFixture({ before: conflictOnDevelop });
    const r = await fx.cli(["backport"]);
    expect(r.code).toBe(6);
    const worktree = /cd "([^"]+)"/.exec(r.stdout)?.[1] as string;

    const a = await fx.cli(["backport", "--abort"]);

    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toContain("Aborted the backport of ENG-1234 to develop");
    expect(existsSync(worktree)).toBe(false);
    expect(fx.git("worktree", "list")).not.toContain("firebreak/backport");
    expect(fx.git("branch", "--list", "backport/develop/*")).toBe("");
    expect((await fx.incident()).data.backports.develop.state).toBe("aborted");
    const c = await fx.cli(["backport", "--continue", "--to", "develop"]);
    expect(c.stdout + c.stderr).not.toContain("Resolution committed");
  });

  it("with no targets configured, suggests only branches the remote has", async () => {
    fx = await makeCliFixture({ config: "checks:\n  test: node -e 0\n" });
    const r = await fx.cli(["backport", "--plan"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the remote has release-candidate, develop");
    expect(r.stderr).toContain("firebreak backport --plan --to release-candidate,develop");
    // Without such branches it says where targets are configured instead of guessing names.
    gitIn(fx.origin, ["branch", "-D", "release-candidate", "develop"]);
    const none = await fx.cli(["backport", "--plan"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("add backport.targets to .firebreak.yml");
    expect(none.stderr).not.toContain("release-candidate");
  });

  it("--plan lists who needs the fix and who has it, and changes nothing", async () => {
    fx = await makeCliFixture({
      before: (f) => {
        // release-candidate already got the same change by hand.
        f.on("release-candidate", "fix: reject expired tokens (by hand)", { "src/auth.js": AUTH("if (t.expired) return false;") });
      },
    });
    const before = { branches: fx.git("branch", "--list"), origin: gitIn(fx.origin, ["for-each-ref"]) };

    const r = await fx.cli(["backport", "--plan"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/release-candidate\s+already contains the fix/);
    expect(r.stdout).toMatch(/develop\s+needs the fix \(1 commit\)/);
    expect(r.stdout).toContain("Next: firebreak backport --to develop");
    const json = (await fx.cli(["backport", "--plan", "--json"])).json();
    expect(json.plan.map((p: any) => [p.target.branch, p.status])).toEqual([
      ["release-candidate", "already-contains"],
      ["develop", "needs-backport"],
    ]);
    expect({ branches: fx.git("branch", "--list"), origin: gitIn(fx.origin, ["for-each-ref"]) }).toEqual(before);
    expect(fx.pushes()).toEqual([]);
    expect(await fx.events("backport.target")).toEqual([]);

    // The real run agrees: contained is a success, not a failure.
    const run = await fx.cli(["backport"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/release-candidate\s+already contains/);
    expect(fx.pushes()).toEqual([`refs/heads/${DEV}`]);
  });

  it("refuses a hostile --to before anything runs", async () => {
    fx = await makeCliFixture();
    const events = (await fx.cli(["log", "--json", TICKET])).json().events.length;
    for (const to of ["--to=develop,--upload-pack=touch /tmp/pwned", "--to=develop;rm -rf ~", "--to=main..develop", "--to=dev\u202eelop"]) {
      const r = await fx.cli(["backport", to]);
      expect(r.code, to).toBe(2);
      expect(r.stderr).toContain("Refused --to branch");
    }
    expect((await fx.cli(["log", "--json", TICKET])).json().events.length).toBe(events);
    expect(fx.git("branch", "--list", "backport/*")).toBe("");
    expect(fx.pushes()).toEqual([]);
  });

  it("a failed target is loud: the others are done, the table says why, exit 9", async () => {
    fx = await makeCliFixture();
    const r = await fx.cli(["backport", "--to", "release/9.9,develop"]);
    expect(r.code).toBe(9);
    expect(r.stdout).toMatch(/release\/9\.9\s+failed\s+the target branch release\/9\.9 does not exist/);
    expect(r.stdout).toMatch(/develop\s+done\s+PR #/);
    expect(await fx.events("backport.done")).toEqual([]);
  });

  it("finds the fix after the hotfix branch was merged and deleted", async () => {
    fx = await makeCliFixture();
    const f = fx;
    f.git("switch", "-q", "main");
    f.git(
      "merge",
      "-q",
      "--no-ff",
      "-m",
      "Merge hotfix/ENG-1234-expired-tokens-accepted into main",
      "hotfix/ENG-1234-expired-tokens-accepted",
    );
    f.git("push", "-q", "origin", "main", ":hotfix/ENG-1234-expired-tokens-accepted");
    f.git("branch", "-q", "-D", "hotfix/ENG-1234-expired-tokens-accepted");
    f.git("fetch", "-q", "--prune", "origin");

    const r = await f.cli(["backport", "-t", TICKET, "--to", "develop", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().fixCommits).toEqual([f.fix]);
    expect(r.json().targets[0].status).toBe("done");
  });

  it("backports a commit on its own, without an incident", async () => {
    fx = await makeCliFixture();
    const f = fx;
    const sha = f.git("rev-parse", "HEAD");
    // Another clone of the same origin, where no incident was ever started.
    const other = join(f.root, "other");
    gitIn(f.root, ["clone", "-q", f.origin, other]);
    f.git("push", "-q", "origin", "HEAD");
    gitIn(other, ["fetch", "-q", "origin"]);

    const { firebreak } = await import("../helpers/cli.js");
    const r = await firebreak(other, ["backport", "--commit", sha, "--to", "develop", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const branch = `backport/develop/hotfix-${sha.slice(0, 12)}`;
    expect(r.json().targets.map((t: any) => [t.branch, t.status])).toEqual([[branch, "done"]]);
    expect(gitIn(f.origin, ["rev-parse", branch])).toBe(r.json().targets[0].sha);
    expect(existsSync(join(other, ".git", "firebreak", "backport-prs", `${encodeURIComponent(branch)}.json`))).toBe(true);
    // Without a journal the world is asked: a re-run pushes and opens nothing new.
    const pushes = f.pushes().length;
    const again = await firebreak(other, ["backport", "--commit", sha, "--to", "develop"]);
    expect(again.code, again.stderr).toBe(0);
    expect(f.pushes().length).toBe(pushes);
  });
});
