// Resolving a backport conflict the way the messages say: from inside the conflict worktree (or any
// folder of the repository), with the exact `Next:` lines printed, and with --abort never throwing
// away a resolved commit without saying so. The built CLI, a real repository, a bare origin.

import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { firebreak, type CliResult } from "../helpers/cli.js";
import { gitIn } from "../helpers/git-fixture.js";
import { AUTH, makeBackportRepo, type BackportFixture } from "./fixture.js";
import { conflictOnDevelop, makeCliFixture, TICKET, type CliFixture } from "./cli-fixture.js";

let fx: (CliFixture | BackportFixture) | undefined;
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

const DEV = `backport/develop/hotfix-${TICKET}`;
const RESOLVED = AUTH("if (isExpired(t)) return false;");

const worktreeOf = (r: CliResult) => /cd "([^"]+)"/.exec(r.stdout)?.[1] as string;
const onOrigin = (f: BackportFixture, ref: string) => f.originSha(`refs/heads/${ref}`);

/** The last `Next:` line, as argv for the CLI (the leading `firebreak`, and any `# comment`, dropped). */
function nextArgs(r: CliResult): string[] {
  const lines = (r.stdout + r.stderr).split("\n").filter((l) => l.startsWith("Next: "));
  const cmd = (lines.at(-1) ?? "")
    .slice("Next: ".length)
    .replace(/\s+#.*$/, "")
    .trim();
  const argv = cmd.split(/\s+/);
  expect(argv[0], `Next line: ${cmd}`).toBe("firebreak");
  return argv.slice(1);
}

describe("resolving a backport conflict from inside its worktree", () => {
  it("--continue run in the worktree (as printed) commits, pushes, opens the PR and says the folder is gone", async () => {
    const f = (fx = await makeCliFixture({ before: conflictOnDevelop }));
    const r = await f.cli(["backport"]);
    expect(r.code, r.stderr).toBe(6);
    const wt = worktreeOf(r);
    writeFileSync(join(wt, "src/auth.js"), RESOLVED);

    // The printed step, run where it says: in the worktree, with --to.
    const c = await firebreak(wt, ["backport", "--continue", "--to", "develop"]);

    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(c.stdout + c.stderr).not.toContain("ENOENT");
    const sha = onOrigin(f, DEV);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(gitIn(f.origin, ["show", `${sha}:src/auth.js`])).toBe(RESOLVED.trimEnd());
    expect(f.prs()[DEV]?.body).toContain("resolved a conflict");
    expect((await f.incident()).data.backports.develop).toMatchObject({ state: "done", sha });
    // The worktree it ran in is gone once it is done, and the person is told where to go.
    expect(existsSync(wt)).toBe(false);
    expect(c.stdout).toContain(`cd ${JSON.stringify(f.work)}`);
  });

  it("--continue without --to from a subfolder of the worktree finds the config, the incident and the target", async () => {
    const f = (fx = await makeCliFixture({ before: conflictOnDevelop }));
    const r = await f.cli(["backport"]);
    expect(r.code).toBe(6);
    const wt = worktreeOf(r);
    writeFileSync(join(wt, "src/auth.js"), RESOLVED);

    const c = await firebreak(join(wt, "src"), ["backport", "--continue"]);

    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(c.stdout + c.stderr).not.toContain("No backport targets");
    expect(c.stdout).toMatch(/develop\s+done\s+PR #/);
    expect(onOrigin(f, DEV)).toMatch(/^[0-9a-f]{40}$/);
    expect((await f.incident()).data.backports.develop.state).toBe("done");
  });

  it("--abort refuses to drop a resolved commit without --force and names it; --continue finishes it instead", async () => {
    const f = (fx = await makeCliFixture({ before: conflictOnDevelop }));
    const r = await f.cli(["backport"]);
    expect(r.code).toBe(6);
    const wt = worktreeOf(r);
    writeFileSync(join(wt, "src/auth.js"), RESOLVED);
    // The person committed the resolution by hand in the worktree.
    gitIn(wt, ["add", "-A"]);
    gitIn(wt, ["-c", "core.editor=true", "cherry-pick", "--continue"]);
    const resolved = gitIn(wt, ["rev-parse", "HEAD"]);

    const a = await firebreak(wt, ["backport", "--abort"]);

    expect(a.code).toBe(4);
    expect(a.stderr).toContain(resolved.slice(0, 12));
    expect(a.stderr).toContain("--force");
    expect(existsSync(wt)).toBe(true);
    expect(gitIn(wt, ["rev-parse", "HEAD"])).toBe(resolved);

    // The refusal's Next keeps the resolution: run as printed, it pushes it.
    const keep = nextArgs(a);
    expect(keep).toEqual(["backport", "--continue", "--to", "develop", "-t", TICKET]);
    const c = await firebreak(wt, keep);
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(onOrigin(f, DEV)).toBe(resolved);
    // Its last line is the Next, after the note that the folder it ran in is gone.
    expect(c.stdout.trimEnd().split("\n").at(-1)).toMatch(/^Next: /);
  });

  it("after a continue that stopped once the branch held the resolution, --abort refuses and --continue pushes it", async () => {
    const f = (fx = await makeCliFixture({ before: conflictOnDevelop }));
    const r = await f.cli(["backport"]);
    expect(r.code).toBe(6);
    const wt = worktreeOf(r);
    writeFileSync(join(wt, "src/auth.js"), RESOLVED);
    gitIn(wt, ["add", "-A"]);
    gitIn(wt, ["-c", "core.editor=true", "cherry-pick", "--continue"]);
    const resolved = gitIn(wt, ["rev-parse", "HEAD"]);
    // What an interrupted --continue leaves: the branch points at the resolution, the worktree is gone.
    f.git("update-ref", `refs/heads/${DEV}`, resolved);
    f.git("worktree", "remove", "--force", wt);

    const a = await f.cli(["backport", "--abort"]);
    expect(a.code).toBe(4);
    expect(a.stderr).toContain(resolved.slice(0, 12));
    expect(f.git("rev-parse", `refs/heads/${DEV}`)).toBe(resolved);

    const c = await f.cli(["backport", "--continue"]);
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(onOrigin(f, DEV)).toBe(resolved);
    expect(f.prs()[DEV]).toBeDefined();

    // --force is the way to drop one deliberately, and it says which commit went.
    const g = (fx = await makeCliFixture({ before: conflictOnDevelop }));
    f.cleanup();
    const r2 = await g.cli(["backport"]);
    const wt2 = worktreeOf(r2);
    writeFileSync(join(wt2, "src/auth.js"), RESOLVED);
    gitIn(wt2, ["add", "-A"]);
    gitIn(wt2, ["-c", "core.editor=true", "cherry-pick", "--continue"]);
    const dropped = gitIn(wt2, ["rev-parse", "HEAD"]);
    const forced = await g.cli(["backport", "--abort", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(dropped.slice(0, 12));
    expect(existsSync(wt2)).toBe(false);
  });

  it("--continue with markers left names the files and the next command, not 'no target was waiting'", async () => {
    const f = (fx = await makeCliFixture({ before: conflictOnDevelop }));
    const r = await f.cli(["backport"]);
    const wt = worktreeOf(r);
    const file = join(wt, "src/auth.js");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^<<<<<<< .*\n/m, ""));

    const c = await f.cli(["backport", "--continue"]);

    expect(c.code).toBe(6);
    expect(c.stdout + c.stderr).not.toContain("No target was waiting");
    expect(c.stdout).toMatch(/develop: .*conflict markers.*src\/auth\.js:\d+/);
    expect(nextArgs(c)).toEqual(["backport", "--continue"]);
  });

  it("a resolution that changes nothing records the target as already having the fix", async () => {
    const f = (fx = await makeCliFixture({ before: conflictOnDevelop }));
    const r = await f.cli(["backport"]);
    const wt = worktreeOf(r);
    // The person decides develop's own code already handles it: keep the target's side.
    gitIn(wt, ["checkout", "--ours", "--", "src/auth.js"]);

    const c = await firebreak(wt, ["backport", "--continue", "--json"]);

    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(c.stdout + c.stderr).not.toContain("now empty");
    const dev = c.json().targets.find((t: any) => t.target.branch === "develop");
    expect(dev.status).toBe("already-contains");
    expect(onOrigin(f, DEV)).toBeNull();
    expect((await f.incident()).data.backports.develop.state).toBe("already-contains");
    // A later run does not conflict on it again.
    const again = await f.cli(["backport"]);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toMatch(/develop\s+already contains/);
  });
});

describe("backport from a linked worktree", () => {
  it("a worktree of a branch without .firebreak.yml uses the main worktree's config", async () => {
    const f = (fx = await makeCliFixture());
    const linked = join(f.root, "develop-checkout");
    f.git("worktree", "add", "-q", linked, "develop");
    expect(existsSync(join(linked, ".firebreak.yml"))).toBe(false);

    const plan = await firebreak(join(linked, "src"), ["backport", "--plan", "-t", TICKET, "--json"]);

    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.json().plan.map((p: any) => [p.target.branch, p.status])).toEqual([
      ["release-candidate", "needs-backport"],
      ["develop", "needs-backport"],
    ]);
    const run = await firebreak(linked, ["backport", "-t", TICKET]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(Object.keys(f.prs())).toHaveLength(2);
  });
});

describe("the Next: lines of a backport without an incident run as printed", () => {
  function standalone(): { f: BackportFixture; fix: string } {
    const f = makeBackportRepo();
    conflictOnDevelop(f);
    f.git("checkout", "-q", "-b", "fix-branch");
    const fix = f.commit("fix: reject expired tokens", { "src/auth.js": AUTH("if (t.expired) return false;") });
    f.git("checkout", "-q", "main");
    return { f, fix };
  }

  it("--plan, then the conflict's Next, then --abort with no ticket and no config", async () => {
    const { f, fix } = standalone();
    fx = f;
    const cli = (args: string[], cwd = f.work) => firebreak(cwd, args, { timeoutMs: 60_000 });

    const plan = await cli(["backport", "--plan", "--commit", fix, "-t", "OPS-7", "--to", "develop"]);
    expect(plan.code, plan.stderr).toBe(0);
    const planNext = nextArgs(plan);
    expect(planNext).toEqual(["backport", "--to", "develop", "--commit", fix, "-t", "OPS-7"]);

    const run = await cli(planNext);
    expect(run.code, run.stdout + run.stderr).toBe(6);
    const runNext = nextArgs(run);
    expect(runNext).toEqual(["backport", "--continue", "--to", "develop", "--commit", fix, "-t", "OPS-7"]);
    const wt = worktreeOf(run);
    writeFileSync(join(wt, "src/auth.js"), RESOLVED);
    const cont = await cli(runNext);
    expect(cont.code, cont.stdout + cont.stderr).toBe(0);
    expect(onOrigin(f, "backport/develop/hotfix-OPS-7")).toMatch(/^[0-9a-f]{40}$/);

    // A second standalone conflict, given up with a bare --abort: the pending state says what.
    const other = makeBackportRepo();
    f.cleanup();
    fx = other;
    conflictOnDevelop(other);
    other.git("checkout", "-q", "-b", "fix-branch");
    const fix2 = other.commit("fix: reject expired tokens", { "src/auth.js": AUTH("if (t.expired) return false;") });
    other.git("checkout", "-q", "main");
    const r2 = await firebreak(other.work, ["backport", "--commit", fix2, "--to", "develop"]);
    expect(r2.code).toBe(6);
    const wt2 = worktreeOf(r2);
    mkdirSync(join(other.work, "deep", "er"), { recursive: true });
    const abort = await firebreak(join(other.work, "deep", "er"), ["backport", "--abort"]);
    expect(abort.code, abort.stdout + abort.stderr).toBe(0);
    expect(abort.stdout + abort.stderr).not.toContain("Nothing to backport");
    expect(abort.stdout).toContain("Aborted the backport");
    expect(existsSync(wt2)).toBe(false);
  });
});
