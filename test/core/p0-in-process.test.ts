// A whole P0 run in one process through the operations alone — start, check, commit, pr, waive,
// confirm, ship, verify, announce, backport, review — the way a server, an agent or CI drives
// Firebreak: no flag parsing, no terminal, nothing from src/cli. A real repository with a bare
// origin, the offline git forge, the team's deploy command restarting a real service on
// 127.0.0.1, smoke tests against it, and a webhook receiver for the announcement.

import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { dirname, join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../../src/app/app.js";
import { OfflineBackportPrs } from "../../src/backport/offline-pr.js";
import { fixCommitsOf } from "../../src/backport/fix-commits.js";
import { resolveTargets } from "../../src/backport/targets.js";
import { evaluateChecklist } from "../../src/domain/checklist.js";
import { incidentState } from "../../src/domain/state/state.js";
import type { Incident } from "../../src/domain/types.js";
import { announceStage } from "../../src/workflow/announce.js";
import { runBackport } from "../../src/workflow/backport.js";
import { check } from "../../src/workflow/check.js";
import { applyCommit, planCommit } from "../../src/workflow/commit.js";
import { confirm } from "../../src/workflow/confirm.js";
import { applyPullRequest, planPullRequest } from "../../src/workflow/pr.js";
import { markReviewDone, produceReview } from "../../src/workflow/review.js";
import { ship } from "../../src/workflow/ship-run.js";
import { applyStart, planStart } from "../../src/workflow/start.js";
import { verify } from "../../src/workflow/verify-run.js";
import { waive } from "../../src/workflow/waive.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { commandDeploy, makeService, type Service } from "../ship/fixture.js";

/** Every file this test imports from src/, and everything they import in turn (static and dynamic). */
function sourceGraph(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)"(\.{1,2}\/[^"]+)"/g))
      todo.push(resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts")));
  }
  return seen;
}

let fx: GitFixture | undefined;
let svc: Service | undefined;
let hook: Server | undefined;
afterEach(async () => {
  svc?.stop();
  fx?.cleanup();
  await new Promise((r) => (hook ? hook.close(r) : r(undefined)));
  fx = svc = hook = undefined;
});

describe("the core, driven without the CLI", () => {
  it("never imports src/cli: the operations a P0 needs stand on their own", () => {
    const here = new URL(import.meta.url).pathname;
    const imported = [...readFileSync(here, "utf8").matchAll(/from "(\.\.\/\.\.\/src\/[^"]+)"/g)].map((m) =>
      resolve(dirname(here), m[1]!.replace(/\.js$/, ".ts")),
    );
    const graph = sourceGraph(imported);
    expect(graph.size).toBeGreaterThan(50); // the walk really followed the imports
    expect([...graph].filter((f) => f.includes(`${join("src", "cli")}/`))).toEqual([]);
  });

  it("runs a whole P0 through the operations and leaves the record the checklist reads as done", async () => {
    fx = makeRepo();
    svc = await makeService(fx.root);
    // A maintained release line the fix is carried to.
    fx.git("branch", "release-1.3");
    fx.git("push", "-q", "origin", "release-1.3");
    const posts: string[] = [];
    hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        posts.push(body);
        res.end("ok");
      });
    });
    await new Promise<void>((r) => hook!.listen(0, "127.0.0.1", r));
    const hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
    fx.commit("chore: firebreak config", {
      ".firebreak.yml":
        `checks:\n  test: "node -e 0"\n${commandDeploy(svc)}` +
        `verify:\n  baseUrl: { production: "http://127.0.0.1:${svc.port}" }\n  smoke:\n    - { name: version answers, url: /version, expectStatus: 200 }\n` +
        `notify:\n  webhook: { url: env:TEAM_HOOK }\n` +
        `backport:\n  targets:\n    - branch: release-1.3\n`,
    });
    fx.git("push", "-q", "origin", "main");
    svc.start("v1.4.2");

    const app = new App({ cwd: fx.work, env: { ...process.env, TEAM_HOOK: hookUrl } });
    const store = await app.store();
    const reread = async (i: Incident) => (await store.getIncident(i.id))!;
    try {
      // start: the hotfix branch from production.
      let incident = await applyStart(
        app,
        await planStart(app, { ticket: "ENG-1234", title: "Expired tokens accepted", priority: "P0", criteria: [], push: true }),
        () => undefined,
      );
      expect(fx.git("rev-parse", "--abbrev-ref", "HEAD")).toBe(incident.branch);

      // The fix and its regression test, then the guard and the checks.
      fx.write(
        "src/auth.js",
        "export function check(t) {\n  // ENG-1234: an expired token was accepted because exp was never compared with now\n  return t.exp > Date.now() / 1000;\n}\n",
      );
      fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\n');
      const checked = await check(app, { incident });
      expect(checked.kind === "checks" && checked.ok).toBe(true);

      fx.git("add", "-A");
      const committed = await applyCommit(
        app,
        await planCommit(app, {
          incident: await reread(incident),
          what: "expired tokens got 200",
          rootCause: "exp never compared with now",
        }),
      );
      expect(committed.subject).toContain("Expired tokens accepted");

      const prDeps = {
        ...(await app.effectDeps()),
        git: app.git,
        forge: await app.adapters.forge(),
        config: await app.config(),
        repoRoot: await app.repoRoot(),
      };
      incident = await reread(incident);
      const pr = await applyPullRequest(prDeps, await planPullRequest(prDeps, incident));
      expect(pr.opened).toBe(true);
      expect(pr.pr.number).toBeGreaterThan(0);

      // P0: ship without waiting for a review, with who and why on the record.
      const actor = await app.actor();
      await waive(
        { store, clock: app.clock, actor },
        { incident: await reread(incident), item: "approval", reason: "active exploitation; Dana reviews after" },
      );
      for (const item of ["oncall-notified", "monitoring"]) await confirm(app, { incident: await reread(incident), item });

      const seen: string[] = [];
      const shipped = await ship(
        app,
        { incident: await reread(incident), redeploy: false, confirmDeployed: false },
        (e) => void seen.push(e.type),
      );
      expect(shipped.status).toBe("shipped");
      if (shipped.status !== "shipped") return;
      expect(shipped.outcome.tag).toBe("v1.4.3");
      expect(await svc.version()).toBe("v1.4.3");
      expect(seen).toContain("deployed");

      const verified = await verify(app, { incident: await reread(incident), env: "production", rollback: true, keepWatching: false });
      expect(verified.result.outcome).toBe("verified");

      const announced = await announceStage(app, await reread(incident), "resolved", { channels: ["webhook"] });
      expect(announced.failed).toBe(false);
      expect(posts).toHaveLength(1);
      expect(posts[0]).toContain("ENG-1234");

      incident = await reread(incident);
      const root = await app.repoRoot();
      const config = await app.config();
      const targets = await resolveTargets(config.backport?.targets ?? [], undefined, incident.ticket);
      const fixCommits = (await fixCommitsOf(root, store, incident)).commits;
      const backported = await runBackport(
        {
          cwd: root,
          git: app.git,
          forge: new OfflineBackportPrs({ cwd: root, store }),
          remote: incident.remote,
          journal: { ...(await app.effectDeps()), incident },
          repoRoot: root,
        },
        { ticket: incident.ticket, targets, fixCommits },
      );
      expect(backported.map((b) => [b.target.branch, b.status])).toEqual([["release-1.3", "done"]]);

      const reviewDeps = { ...(await app.effectDeps()), git: app.git, config, repoRoot: root, cwd: fx.work };
      const review = await produceReview(reviewDeps, await reread(incident), { write: true, html: false });
      expect(readFileSync(review.paths!.md, "utf8")).toContain("ENG-1234");
      await markReviewDone(reviewDeps, await reread(incident));

      // The record, read the way status, the PR body and the review read it.
      const events = await store.timeline(incident.id);
      const kinds = events.map((e) => e.kind);
      const order = [
        "incident.started",
        "checks.passed",
        "commit.created",
        "pr.opened",
        "approval.waived",
        "release.merged",
        "release.tagged",
        "deploy.production.done",
        "verify.production.verified",
        "announce.resolved",
      ];
      const at = order.map((k) => kinds.indexOf(k));
      expect(
        at.every((i) => i >= 0),
        `missing: ${order.filter((_, n) => at[n]! < 0).join(", ")}`,
      ).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      expect((await store.verifyTimeline(incident.id)).ok).toBe(true);

      const states = Object.fromEntries(evaluateChecklist("P0", incidentState(events)).map((i) => [i.item.id, i.state]));
      for (const id of [
        "triage",
        "branch",
        "fix-committed",
        "guard",
        "checks",
        "pr",
        "ci-green",
        "monitoring",
        "oncall-notified",
        "merged",
        "tagged",
        "production-deployed",
        "verified",
        "announced",
        "backported",
        "review",
      ])
        expect(states[id], id).toBe("done");
      expect(states["approval"]).toBe("waived");
    } finally {
      await store.close();
    }
  }, 120_000);
});
