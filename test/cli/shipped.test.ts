// After the fix is shipped and resolved: commands that would change it stop and say what to do,
// the review never enters a fix commit, ship --dry-run says it is done, status shows met/missed.

import { afterEach, describe, expect, it } from "vitest";
import { makeShipFixture, commandDeploy, type ShipFixture } from "../ship/fixture.js";
import { gitIn } from "../helpers/git-fixture.js";

let f: ShipFixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

async function resolvedFixture(): Promise<ShipFixture> {
  const fx = await makeShipFixture({
    config: (svc) =>
      commandDeploy(svc) +
      `verify:\n  baseUrl: { production: "http://127.0.0.1:${svc.port}" }\n  smoke:\n    - { name: version answers, url: /version, expectStatus: 200 }\nnotify:\n  staticPage: { dir: ${JSON.stringify(svc.dir + "/status-site")} }\n`,
  });
  const ship = await fx.cli(["ship"]);
  expect(ship.code, ship.stderr).toBe(0);
  const resolved = await fx.cli([
    "announce",
    "--stage",
    "resolved",
    "--public-title",
    "Sign-in problem",
    "--public-summary",
    "Some sessions were not checked properly; fixed.",
  ]);
  expect(resolved.code, resolved.stderr).toBe(0);
  expect((await fx.cli(["status", "--json"])).json().incident.status).toBe("resolved");
  return fx;
}

describe("a shipped incident", () => {
  it("check, commit and pr stop and name a new incident or --reopen; the review stays out of git add -A; nothing is pushed", async () => {
    f = await resolvedFixture();
    const branchOnOrigin = gitIn(f.fx.origin, ["rev-parse", "refs/heads/hotfix/ENG-1234-expired-tokens-accepted"]);

    const review = await f.cli(["review", "--write"]);
    expect(review.code, review.stderr).toBe(0);
    expect(review.stdout).toContain("kept out of fix commits");
    expect(review.stdout).toContain("git add --force -- docs/incidents/ENG-1234.*");
    // As the README suggests for a fix: git add -A. The review is not picked up.
    f.fx.write("src/auth.js", "export function check(t) {\n  return t.exp >= Date.now() / 1000;\n}\n");
    f.fx.git("add", "-A");
    const staged = f.fx.git("diff", "--cached", "--name-only");
    expect(staged).toBe("src/auth.js");
    expect(f.fx.git("status", "--porcelain")).not.toContain("docs/incidents");

    for (const cmd of [["check"], ["commit", "--brief", "one more"], ["pr"]]) {
      const r = await f.cli(cmd);
      expect(r.code, `${cmd[0]}: ${r.stderr}`).toBe(4);
      expect(r.stderr).toContain("ENG-1234 is resolved");
      expect(r.stderr).toContain("firebreak start <NEW-TICKET>");
      expect(r.stderr).toContain(`firebreak ${cmd[0]} --reopen`);
    }
    expect(f.fx.git("log", "-1", "--format=%s")).not.toContain("one more");
    expect(gitIn(f.fx.origin, ["rev-parse", "refs/heads/hotfix/ENG-1234-expired-tokens-accepted"])).toBe(branchOnOrigin);

    // Committed on production on purpose, the review is there.
    const steps = review.stdout.split("\n").find((l) => l.includes("git add --force"))!;
    expect(steps).toContain("git switch main");
    f.fx.git("stash", "-q");
    f.fx.git("switch", "-q", "main");
    f.fx.git("add", "--force", "--", "docs/incidents/ENG-1234.md");
    expect(f.fx.git("diff", "--cached", "--name-only")).toBe("docs/incidents/ENG-1234.md");
  });

  it("--reopen goes on, and the timeline says who reopened it", async () => {
    f = await resolvedFixture();
    f.fx.write("src/auth.js", "export function check(t) {\n  return t.exp >= Date.now() / 1000;\n}\n");
    f.fx.write("test/auth.test.js", 'it("rejects a token expiring now", () => {});\n');
    const r = await f.cli(["check", "--reopen", "--json"]);
    expect(r.stderr).not.toContain("is resolved");
    const status = (await f.cli(["status", "--json"])).json();
    expect(status.incident.status).toBe("open");
    const log = (await f.cli(["log", "--json"])).json().events;
    expect(log.find((e: { kind: string }) => e.kind === "incident.reopened")).toMatchObject({
      actor: "tester",
      data: { from: "resolved", command: "check" },
    });
  });

  it("ship --dry-run after a finished ship says it is already done and plans no new tag", async () => {
    f = await resolvedFixture();
    const dry = await f.cli(["ship", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("v1.4.3 is already on production");
    expect(dry.stdout).not.toContain("nothing has been merged, tagged or deployed");
    expect(dry.stdout).not.toContain("next patch after");
    const json = (await f.cli(["ship", "--dry-run", "--json"])).json();
    expect(json).toMatchObject({ alreadyDone: true, tag: "v1.4.3" });
  });

  it("status shows the deadline met and how long the fix took, not the time left", async () => {
    f = await resolvedFixture();
    const s = await f.cli(["status"]);
    expect(s.code, s.stderr).toBe(0);
    const line = s.stdout.split("\n").find((l) => l.includes("deadline"))!;
    expect(line).toMatch(/met with .* to spare; fixed in production \S+ after discovery/);
    expect(line).not.toMatch(/left\)/);
    const all = await f.cli(["list", "--all"]);
    expect(all.stdout).toMatch(/ENG-1234\s+P0\s+resolved\s+deadline met/);
    expect((await f.cli(["status", "--json"])).json().deadline).toMatchObject({ state: "met" });
  });
});
