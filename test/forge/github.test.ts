import { afterEach, describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { GitHubForge } from "../../src/adapters/forge/github.js";
import { Secret } from "../../src/config/secrets.js";
import { registerSecret } from "../../src/redact.js";
import { applyPullRequest, planPullRequest, type PrDeps } from "../../src/workflow/pr.js";
import { startContractServer, type ContractServer, type Fault } from "../helpers/github-contract-server.js";
import { makePrFixture, type PrFixture } from "./fixture.js";

const CANARY = "ghp_canary0123456789abcdefghijKLMNOPQRST";
registerSecret(CANARY);

const open: { server?: ContractServer; fx?: PrFixture }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.server?.close();
    await o.fx?.cleanup();
  }
});

async function setup(db = "fb.sqlite", log: string[] = []) {
  const server = await startContractServer();
  const fx = await makePrFixture({ db });
  open.push({ server, fx });
  const forge = new GitHubForge({
    owner: server.owner,
    repo: server.repo,
    token: new Secret(CANARY, "env:GITHUB_TOKEN"),
    baseUrl: server.url,
    timeScale: 0.001,
    paceWrites: false,
    log: (l) => log.push(l),
  });
  const deps: PrDeps = {
    store: fx.store,
    clock: fx.clock,
    actor: "Test Author",
    git: fx.git,
    forge,
    config: fx.config,
    repoRoot: fx.fx.work,
  };
  const run = async () =>
    applyPullRequest(deps, await planPullRequest(deps, (await fx.store.getIncident(fx.incident.id))!, { reviewers: ["octo-reviewer"] }));
  return { server, fx, forge, deps, run };
}

function expectOnePr(server: ContractServer, body: string) {
  const prs = [...server.state.pulls.values()];
  expect(prs).toHaveLength(1);
  const pr = prs[0]!;
  expect(pr.title).toBe("[RELEASE][HOTFIX][P1] ENG-1234: Fix auth bypass on expired tokens");
  expect(pr.body).toBe(body);
  expect((pr.labels as { name: string }[]).map((l) => l.name).sort()).toEqual(["P1", "hotfix", "release"]);
  expect((pr.requested_reviewers as { login: string }[]).map((u) => u.login)).toEqual(["octo-reviewer"]);
  expect(server.errors).toEqual([]);
}

describe("GitHub forge against GitHub's OpenAPI description", () => {
  it("opens one PR with labels, body and reviewer, and a re-run changes nothing", async () => {
    const { server, run, fx } = await setup();
    const first = await run();
    expect(first.opened).toBe(true);
    const plan = await planPullRequest(
      { ...({} as PrDeps), store: fx.store, git: fx.git, config: fx.config, repoRoot: fx.fx.work } as PrDeps,
      fx.incident,
    );
    expectOnePr(server, plan.body);
    const writes = server.requests.filter((r) => r.method !== "GET").length;
    const again = await run();
    expect(again.opened).toBe(false);
    expect(again.updated).toBe(false);
    expect(server.requests.filter((r) => r.method !== "GET").length).toBe(writes);
    expectOnePr(server, plan.body);
    expect((await fx.store.getIncident(fx.incident.id))?.status).toBe("pr-open");
  });

  it("a failure injected at each request in turn, then a plain re-run, leaves exactly one right PR", async () => {
    // Learn the sequence of requests a clean run sends.
    const probe = await setup("probe.sqlite");
    await probe.run();
    const sequence = probe.server.requests.map((r) => r.op);
    expect(sequence.length).toBeGreaterThan(6);

    const faults: Fault[] = [
      { kind: "status", status: 502, after: true }, // it happened, the answer was lost
      { kind: "reset", after: true },
      { kind: "status", status: 500 },
      { kind: "secondary-rate-limit", retryAfter: 1 },
    ];
    let failures = 0;
    for (const fault of faults) {
      for (let i = 0; i < sequence.length; i++) {
        const op = sequence[i]!;
        const nth = sequence.slice(0, i + 1).filter((o) => o === op).length;
        const t = await setup(`f-${fault.kind}-${i}.sqlite`);
        t.server.inject(op, fault, nth);
        try {
          await t.run();
        } catch {
          failures++;
        }
        await t.run(); // the plain re-run
        const plan = await planPullRequest(t.deps, t.fx.incident);
        try {
          expectOnePr(t.server, plan.body);
        } catch (e) {
          throw new Error(`fault ${JSON.stringify(fault)} at request ${i + 1} (${op} #${nth}): ${(e as Error).message}`);
        }
        await t.server.close();
        await t.fx.cleanup();
        open.pop();
      }
    }
    // Some faults must have surfaced as failures, or the injection did nothing.
    expect(failures).toBeGreaterThan(0);
  }, 240_000);

  it("a create whose answer was lost is found by a lookup, not sent again", async () => {
    const { server, run } = await setup();
    server.inject("pulls/create", { kind: "reset", after: true });
    server.inject("issues/create-label", { kind: "status", status: 502, after: true });
    const out = await run();
    expect(out.pr.number).toBe(1);
    expect(server.requests.filter((r) => r.op === "pulls/create")).toHaveLength(1);
    expect(server.requests.filter((r) => r.op === "issues/create-label" && r.status === 502)).toHaveLength(1);
    expect(server.requests.filter((r) => r.op === "issues/create-label")).toHaveLength(3);
    expect(server.state.pulls.size).toBe(1);
    expect(server.errors).toEqual([]);
  });

  it("honours a secondary rate limit's retry-after and carries on", async () => {
    const log: string[] = [];
    const { server, run } = await setup("fb.sqlite", log);
    server.inject("pulls/list", { kind: "secondary-rate-limit", retryAfter: 3 });
    await run();
    expect(server.requests.filter((r) => r.status === 403)).toHaveLength(1);
    expect(log.join("\n")).toMatch(/secondary rate limit .*retrying in 3 s/);
    expect(server.state.pulls.size).toBe(1);
  });

  it("applies labels after a 422 'could not resolve to a node' race", async () => {
    const { server, run, fx } = await setup();
    server.inject("issues/add-labels", { kind: "could-not-resolve" });
    await run();
    expect(server.requests.filter((r) => r.op === "issues/add-labels").map((r) => r.status)).toEqual([422, 200]);
    expectOnePr(
      server,
      (
        await planPullRequest(
          { ...({} as PrDeps), store: fx.store, git: fx.git, config: fx.config, repoRoot: fx.fx.work } as PrDeps,
          fx.incident,
        )
      ).body,
    );
  });

  it("turns a refused create into an error with a remedy, and never retries a create blindly", async () => {
    const { server, run } = await setup();
    server.inject("pulls/create", {
      kind: "status",
      status: 422,
      message: "Validation Failed",
      errors: [{ resource: "PullRequest", code: "custom", message: "No commits between main and hotfix" }],
    });
    const err = await run().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "FORGE_VALIDATION" });
    expect(server.requests.filter((r) => r.op === "pulls/create")).toHaveLength(1);
    expect(server.state.pulls.size).toBe(0);
  });

  it("never lets the token out: output, logs, errors and the record stay clean", async () => {
    const log: string[] = [];
    const { server, run, fx } = await setup("fb.sqlite", log);
    const captured: string[] = [];
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((c: string | Uint8Array) => (captured.push(String(c)), true)) as typeof process.stdout.write;
    process.stderr.write = ((c: string | Uint8Array) => (captured.push(String(c)), true)) as typeof process.stderr.write;
    const errors: unknown[] = [];
    try {
      server.inject("pulls/create", { kind: "status", status: 502 }, 1);
      server.inject("pulls/create", { kind: "status", status: 502 }, 1);
      server.inject("pulls/create", { kind: "status", status: 502 }, 1);
      await run().catch((e: unknown) => errors.push(e));
      server.inject("issues/create-label", { kind: "status", status: 422, message: "Bad" });
      await run().catch((e: unknown) => errors.push(e));
      await run();
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
    expect(errors.length).toBeGreaterThan(0);
    // The token was sent, in the header only.
    expect(server.requests.some((r) => r.authorization === `token ${CANARY}`)).toBe(true);
    expect(server.requests.every((r) => !r.path.includes(CANARY))).toBe(true);
    const record = JSON.stringify([
      await fx.store.timeline(fx.incident.id),
      await fx.store.listEffects(fx.incident.id),
      await fx.store.getIncident(fx.incident.id),
    ]);
    const haystacks = [
      captured.join(""),
      log.join("\n"),
      record,
      ...errors.flatMap((e) => [JSON.stringify(e), inspect(e, { depth: 10, showHidden: true }), String((e as Error).stack)]),
    ];
    for (const h of haystacks) expect(h).not.toContain(CANARY);
    expect(record).toContain("pr.opened");
  });

  it("reads each reviewer's latest decision and the commit it was given on", async () => {
    const { server, run, forge } = await setup();
    const { pr } = await run();
    const first = "a".repeat(40);
    const second = "b".repeat(40);
    server.addReview(pr.number, "dana", "APPROVED", first);
    server.addReview(pr.number, "sam", "APPROVED", first);
    server.addReview(pr.number, "sam", "CHANGES_REQUESTED", second);
    server.addReview(pr.number, "lee", "COMMENTED", second);
    const approvals = await forge.listApprovals(pr.number);
    expect(approvals.map((a) => [a.by, a.commit])).toEqual([["dana", first]]);
    expect(server.errors).toEqual([]);
  });

  it("waits while GitHub computes mergeability, then merges", async () => {
    const { server, run, forge } = await setup();
    const { pr } = await run();
    server.mergeableNullFor(3);
    const r = await forge.mergePullRequest(pr.number, "merge");
    expect(r.merged).toBe(true);
    expect(server.requests.filter((q) => q.op === "pulls/get").length).toBeGreaterThanOrEqual(4);
    expect(server.errors).toEqual([]);
  });
});
