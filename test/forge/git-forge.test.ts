import { parseConfigText } from "../../src/config/load.js";
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GitForge, readPr } from "../../src/adapters/forge/git-forge.js";
import { applyPullRequest, planPullRequest, recordApproval, type PrDeps } from "../../src/workflow/pr.js";
import { gitIn } from "../helpers/git-fixture.js";
import { makePrFixture, type PrFixture } from "./fixture.js";

let fx: PrFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

async function setup(opts: Parameters<typeof makePrFixture>[0] = {}) {
  fx = await makePrFixture(opts);
  const f = fx;
  const forge = new GitForge({ git: f.git, store: f.store, clock: f.clock, actor: "Test Author", remote: "origin" });
  const deps: PrDeps = { store: f.store, clock: f.clock, actor: "Test Author", git: f.git, forge, config: f.config, repoRoot: f.fx.work };
  const incident = async () => (await f.store.getIncident(f.incident.id))!;
  return { f, forge, deps, incident };
}

describe("pr with the plain-git forge", () => {
  it("plan writes nothing; apply pushes, records the PR and writes its file; approve records a review", async () => {
    const { f, forge, deps, incident } = await setup();
    const plan = await planPullRequest(deps, await incident(), { reviewers: ["alice"] });
    expect(plan.title).toBe("[RELEASE][HOTFIX][P1] ENG-1234: Fix auth bypass on expired tokens");
    expect(plan.labels.map((l) => l.name)).toEqual(["release", "hotfix", "P1"]);
    expect(readPr(await incident())).toBeNull();
    expect(gitIn(f.fx.origin, ["branch", "--list", plan.head])).toBe("");

    const out = await applyPullRequest(deps, plan);
    expect(out.opened).toBe(true);
    expect(gitIn(f.fx.origin, ["rev-parse", plan.head])).toBe(plan.headSha);
    const pr = readPr(await incident())!;
    expect(pr).toMatchObject({
      number: 1,
      head: plan.head,
      base: "main",
      title: plan.title,
      body: plan.body,
      labels: ["release", "hotfix", "P1"],
      requestedReviewers: ["alice"],
    });
    expect((await incident()).status).toBe("pr-open");
    const file = await forge.prFile("ENG-1234");
    expect(readFileSync(file, "utf8")).toContain("## Root Cause");

    // A re-run finds the same PR.
    const again = await applyPullRequest(deps, await planPullRequest(deps, await incident()));
    expect(again.opened).toBe(false);
    expect(again.pr.number).toBe(1);

    await recordApproval(deps, await incident(), { by: "Bob Reviewer", note: "looks right" });
    expect(await forge.listApprovals(1)).toEqual([{ by: "Bob Reviewer", at: "2026-11-27T10:00:00.000Z", note: "looks right" }]);
    const kinds = (await f.store.timeline(f.incident.id)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["branch.pushed", "pr.opened", "pr.labeled", "review.approved"]));
    expect(kinds.filter((k) => k === "pr.opened")).toHaveLength(1);
  });

  it("refuses to approve before there is a PR", async () => {
    const { deps, incident } = await setup();
    await expect(recordApproval(deps, await incident(), { by: "Bob" })).rejects.toMatchObject({ code: "NO_PR" });
  });

  it("the body ticks only what the record proves, says why a check was skipped, and lists overrides", async () => {
    const { deps, incident } = await setup();
    const { body } = await planPullRequest(deps, await incident());
    for (const h of [
      "Urgency",
      "Impact",
      "Root Cause",
      "The Fix",
      "Testing",
      "Regression Test",
      "Rollback Plan",
      "Monitoring",
      "Guard Overrides",
    ])
      expect(body).toContain(`## ${h}\n`);
    expect(body).toContain("- [x] test: passed in 4.2 s");
    expect(body).toContain("- [ ] build: skipped: no build command configured");
    expect(body).toContain("- [x] Reproduced the issue: an expired token got 200");
    expect(body).toContain("- [ ] Verified the fix\n");
    expect(body).toContain("- src/auth.js (+1 −1)");
    expect(body).toContain("- test/auth.test.js");
    expect(body).toContain("  - case: expired token is refused");
    expect(body).toContain("Strategy: revert.");
    expect(body).toContain("None configured");
    expect(body).toContain("- size: the fix needs the whole check rewritten");
  });

  it("user text in the record cannot inject markup or mentions into the body", async () => {
    const { deps, incident } = await setup({
      rootCause: "@everyone see [here](http://evil.example) <img src=x>",
      title: "Fix @team <!channel>",
    });
    const { body, title } = await planPullRequest(deps, await incident());
    expect(body).not.toMatch(/@everyone|(?<!\\)\]\(http|<img/);
    expect(body).toContain("\\[here\\]");
    expect(title).toContain("Fix @team");
  });

  it("reads rollback, monitoring and title format from config, and a team template override", async () => {
    const { f, deps, incident } = await setup();
    const config = parseConfigText(`pr:
  titleFormat: "{{ticket}} [{{priority}}] {{title}}"
rollback:
  strategy: flag
  flag: { command: "./flags off new-auth" }
verify:
  metrics:
    - { name: error rate, source: scrape, url: "http://127.0.0.1:9/metrics", bad: errors_total, total: requests_total }
  smoke:
    - { name: expired token refused, url: "https://api.example/me", expectStatus: 401 }
`).config;
    const plan = await planPullRequest({ ...deps, config }, await incident());
    expect(plan.title).toBe("ENG-1234 [P1] Fix auth bypass on expired tokens");
    expect(plan.body).toContain("Strategy: feature flag. Run the flag command: ./flags off new-auth (firebreak rollback ENG-1234)");
    expect(plan.body).toContain("- Metric: error rate");
    expect(plan.body).toContain("- Smoke test: expired token refused → 401");
    mkdirSync(join(f.fx.work, ".firebreak", "templates"), { recursive: true });
    writeFileSync(join(f.fx.work, ".firebreak", "templates", "pr-body.md"), "Fix for {{ticket}}\n");
    const custom = await planPullRequest(deps, await incident());
    expect(custom.body).toBe("Fix for ENG-1234\n");
    expect(custom.templates.body).toBe(join(".firebreak", "templates", "pr-body.md"));
  });

  it("merges --no-ff into production and pushes, without touching the checkout", async () => {
    const { f, forge, deps, incident } = await setup();
    await applyPullRequest(deps, await planPullRequest(deps, await incident()));
    const before = f.fx.git("rev-parse", "HEAD");
    const r = await forge.mergePullRequest(1, "merge");
    expect(r.merged).toBe(true);
    expect(gitIn(f.fx.origin, ["rev-parse", "main"])).toBe(r.sha);
    expect(gitIn(f.fx.origin, ["rev-list", "--parents", "-n", "1", "main"]).split(" ")).toHaveLength(3);
    expect(f.fx.git("rev-parse", "HEAD")).toBe(before);
    expect(existsSync(join(f.fx.root, "firebreak-merge"))).toBe(false);
    expect(readPr(await incident())?.state).toBe("merged");
  });
});
