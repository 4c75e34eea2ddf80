// firebreak verify end to end: a real repository and incident, the built CLI, and a local service
// whose error rate the test sets. Warm-up, interval and window are small in config so it is quick.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { spawn } from "node:child_process";
import { CLI, firebreak } from "../helpers/cli.js";
import { startApp, type FixtureApp } from "./fixture-app.js";

let fx: GitFixture;
let app: FixtureApp;
const SECRET = "Bearer expired-token-never-printed-7731";
const env = { EXPIRED_BEARER: SECRET };

function configure(extra = "") {
  const yml = `verify:
  baseUrl: { production: "${app.url}" }
  warmupSeconds: 1
  intervalSeconds: 0.5
  baselineSeconds: 3
  baselineMaxSeconds: 4
  windowMinutes: 1
  smoke:
    - { name: expired token refused, url: /profile, headers: { Authorization: env:EXPIRED_BEARER }, expectStatus: 401, expectJson: { path: $.error, equals: token expired } }
  metrics:
    - { name: error rate, source: scrape, url: /metrics, bad: 'app_requests_total{status="500"}', total: app_requests_total }
    - { name: slow requests, source: scrape, url: /metrics, histogram: app_request_duration_seconds, objectiveMs: 250 }
${extra}`;
  fx.commit("chore: firebreak config", { ".firebreak.yml": yml });
  fx.git("push", "-q", "origin", "main");
}

async function startIncident(priority = "P1") {
  const r = await firebreak(fx.work, ["start", "ENG-1234", "Expired tokens accepted", "--priority", priority, "--no-push"]);
  expect(r.code, r.stderr).toBe(0);
}

const log = async () =>
  (await firebreak(fx.work, ["log", "--json"])).json().events as Array<{ kind: string; data: Record<string, unknown> }>;

beforeEach(async () => {
  fx = makeRepo();
  app = await startApp({ rate: 2000, errorFraction: 0.01, slowFraction: 0.02 });
});
afterEach(async () => {
  await app.close();
  fx.cleanup();
});

describe("firebreak verify", () => {
  it("verifies a healthy deploy: smoke tests, metrics against the captured baseline, figures on the record, status verified", async () => {
    configure();
    await startIncident();
    const cap = await firebreak(fx.work, ["verify", "--capture-baseline"], { env });
    expect(cap.code, cap.stderr).toBe(0);
    expect(cap.stdout).toMatch(/Baseline for production sampled over [\d.]+ s: error rate, slow requests/);
    expect(cap.stdout).toMatch(/error rate: the watch can catch ×2 within ~[\d.]+ s of the deploy/);
    app.restart(); // the deploy restarts the service: counters start again from zero

    // The default watches on after "verified" to the window's end (12 s here).
    const r = await firebreak(fx.work, ["verify", "--window", "12s"], { env, timeoutMs: 90_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain("Watching on until 12s after the deploy for a regression that starts late");
    expect(r.stdout).toContain("ENG-1234 on production stayed healthy to the end of the window: still verified.");
    expect(r.stderr).toContain("✔ expired token refused: GET");
    expect(r.stderr).toMatch(/error rate: .*evidence: regression \d+%, verified \d+%/);
    expect(r.stdout).toContain("Verified ENG-1234 on production");
    expect(r.stdout).toMatch(/error rate [\d.]+\/min → [\d.]+\/min \([\d.]+% → [\d.]+% of requests\)/);
    expect(r.stdout).toMatch(/p99 \d+ ms → \d+ ms/);
    expect(r.stdout).toContain("Next: firebreak announce --stage resolved");

    const status = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(status.incident.status).toBe("verified");
    const v = status.incident.data.verification.production;
    expect(v.outcome).toBe("verified");
    expect(v.metrics.map((m: { name: string }) => m.name)).toEqual(["error rate", "slow requests"]);
    expect(v.metrics[0].before).toBeGreaterThan(0);
    expect(v.baseline.metrics["error rate"].how).toBe("captured");
    const events = await log();
    const kinds = events.map((e) => e.kind);
    expect(kinds).toContain("verify.baseline");
    expect(kinds).toContain("verify.smoke");
    const verdict = events.find((e) => e.kind === "verify.production.verified")!;
    expect(verdict.data.summary).toMatch(/^production: verified .* after the deploy: error rate/);
    const watched = events.find((e) => e.kind === "verify.production.watched")!;
    expect(watched.data.summary).toMatch(/^production: verified .* after the deploy and still healthy when the window ended \(12 s\)/);
    expect((verdict.data.figures as string[])[1]).toMatch(/^slow requests .* p99 \d+ ms → \d+ ms$/);
    expect(status.checklist.find((i: { id: string }) => i.id === "verified").state).toBe("done");
    // The smoke test's token is nowhere: not in the output, not on the record.
    expect(r.stdout + r.stderr + cap.stdout + cap.stderr + JSON.stringify(events) + JSON.stringify(status)).not.toContain(
      "expired-token-never-printed",
    );
  });

  it("calls a failing deploy a regression, exits 5 and prints the rollback command", async () => {
    configure();
    await startIncident();
    expect((await firebreak(fx.work, ["verify", "--capture-baseline"], { env })).code).toBe(0);
    app.state.errorFraction = 0.08;
    const r = await firebreak(fx.work, ["verify"], { env, timeoutMs: 90_000 });
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(r.stdout).toContain("Regression on ENG-1234 on production.");
    expect(r.stdout).toMatch(/error rate ×\d/);
    expect(r.stdout).toMatch(/Next: firebreak rollback -t ENG-1234 --reason 'verify: production regression: error rate ×\d/);
    const status = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(status.incident.status).not.toBe("verified");
    expect(status.incident.data.verification.production).toMatchObject({ outcome: "regression", rollback: "ask" });
    const verdict = (await log()).find((e) => e.kind === "verify.production.regression")!;
    expect(verdict.data.summary).toContain("regression");
    expect(verdict.data.figures).toHaveLength(2);
  });

  it("a failed smoke test is a regression before any metric is watched, and --json says so", async () => {
    configure();
    await startIncident();
    const r = await firebreak(fx.work, ["verify", "--json", "--no-rollback"], {
      env: { EXPIRED_BEARER: "Bearer good-token-1234567" },
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(5);
    const out = r.json();
    expect(out).toMatchObject({ outcome: "regression", rollback: "disabled", metrics: [] });
    expect(out.smoke[0]).toMatchObject({ name: "expired token refused", ok: false, status: 200 });
    expect(out.summary).toContain("expected 401, got 200");
    expect(r.stdout).not.toContain("good-token-1234567");
  });

  it("refuses to watch a scrape metric with nothing measured before the deploy, and says how to capture it", async () => {
    configure();
    await startIncident();
    const r = await firebreak(fx.work, ["verify"], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("error rate: nothing was measured before the deploy");
    expect(r.stderr).toContain("firebreak verify --capture-baseline");
  });

  it("after verified, watches on: a regression that begins later is caught, and the incident is no longer verified", async () => {
    configure();
    await startIncident();
    expect((await firebreak(fx.work, ["verify", "--capture-baseline"], { env })).code).toBe(0);
    app.restart();
    const running = firebreak(fx.work, ["verify", "--window", "40s"], { env, timeoutMs: 90_000 });
    // Wait for the verdict on the record (bounded), then break the service.
    let verified = false;
    for (let i = 0; i < 120 && !verified; i++) {
      verified = (await log()).some((e) => e.kind === "verify.production.verified");
      if (!verified) await new Promise((r) => setTimeout(r, 250));
    }
    expect(verified).toBe(true);
    app.state.errorFraction = 0.08;
    const r = await running;
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(r.stdout).toContain("Verified ENG-1234 on production");
    expect(r.stdout).toContain("Regression on ENG-1234 on production after it was verified: it began later.");
    expect(r.stdout).toMatch(/Next: firebreak rollback -t ENG-1234/);
    const status = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(status.incident.status).toBe("shipped");
    expect(status.incident.data.verification.production).toMatchObject({ outcome: "regression", rollback: "ask" });
    const kinds = (await log()).map((e) => e.kind);
    expect(kinds.indexOf("verify.production.verified")).toBeLessThan(kinds.indexOf("verify.production.regression"));
  });

  it("Ctrl-C after verified stops the watching only: exit 0, still verified, and the record says it was stopped by hand", async () => {
    configure();
    await startIncident();
    expect((await firebreak(fx.work, ["verify", "--capture-baseline"], { env })).code).toBe(0);
    app.restart();
    const child = spawn(process.execPath, [CLI, "verify", "--window", "60s"], {
      cwd: fx.work,
      env: { ...process.env, NO_COLOR: "1", FIREBREAK_ACTOR: "tester", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    const closed = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    try {
      // Wait (bounded) until it says it watches on after the verdict.
      for (let i = 0; i < 240 && !stderr.includes("Watching on until"); i++) await new Promise((r) => setTimeout(r, 250));
      expect(stderr).toContain("Ctrl-C stops watching and the fix stays verified");
      child.kill("SIGINT");
      expect(await closed, stdout + stderr).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
    expect(stdout).toContain("Stopped watching ENG-1234 on production; it stays verified.");
    const status = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(status.incident.status).toBe("verified");
    const watched = (await log()).find((e) => e.kind === "verify.production.watched")!;
    expect(watched.data.summary).toMatch(/the watch after it was stopped by hand/);
  });

  it("a deploy long past its window is watched from now, and every time says it counts from the watch's start", async () => {
    configure();
    await startIncident();
    expect((await firebreak(fx.work, ["verify", "--capture-baseline"], { env })).code).toBe(0);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const r = await firebreak(fx.work, ["verify", "--since", hourAgo, "--window", "12s", "--stop-at-verdict"], { env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/The deploy was 1 h.* ago, past its warm-up: watching the next 12 s from now\./);
    expect(r.stderr).toContain("for up to 12 s after the watch started");
    expect(r.stdout).toMatch(/Verified ENG-1234 on production, [\d.]+ (ms|s) after the watch started\./);
    expect(r.stdout + r.stderr).not.toContain("after the deploy");
  });

  it("refuses a capture when the source does not answer: exit 9, the metric named, nothing recorded", async () => {
    configure();
    await startIncident();
    app.state.metricsDown = true;
    const r = await firebreak(fx.work, ["verify", "--capture-baseline"], { env });
    expect(r.code, r.stdout + r.stderr).toBe(9);
    expect(r.stderr).toContain("No baseline could be sampled for 2 metrics on production");
    expect(r.stderr).toMatch(/error rate \(http:\/\/127\.0\.0\.1:\d+\/metrics\)/);
    expect(r.stdout + r.stderr).not.toContain("Baseline for production sampled");
    expect((await log()).some((e) => e.kind === "verify.baseline")).toBe(false);
  });

  it("refuses a standalone baseline sampled long before the deploy, and says how old it is", async () => {
    configure();
    expect((await firebreak(fx.work, ["verify", "--capture-baseline", "--no-incident"], { env })).code).toBe(0);
    // An hour later (the clock pinned ahead): the deploy happens now, the sample is an hour old.
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const r = await firebreak(fx.work, ["verify", "--no-incident", "--stop-at-verdict"], { env: { ...env, FIREBREAK_NOW: later } });
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.stderr).toMatch(/error rate: the baseline was sampled (59 min|1 h)[^\n]* before the deploy/);
    expect(r.stderr).toContain("firebreak verify --capture-baseline");
  });

  it("verifies a deploy without an incident: prints, records nothing", async () => {
    configure();
    expect((await firebreak(fx.work, ["verify", "--capture-baseline", "--no-incident"], { env })).code).toBe(0);
    const r = await firebreak(fx.work, ["verify", "--no-incident", "--stop-at-verdict"], { env, timeoutMs: 90_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("Verified production");
    expect(r.stderr).not.toContain("Watching on");
    expect(r.stdout).toContain("no incident: nothing was recorded");
  });

  it("at low traffic says a decision needs longer than the window, and ends inconclusive", async () => {
    app.state.rate = 2;
    configure();
    await startIncident();
    expect((await firebreak(fx.work, ["verify", "--capture-baseline"], { env })).code).toBe(0);
    const r = await firebreak(fx.work, ["verify", "--window", "6s"], { env, timeoutMs: 60_000 });
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(r.stderr).toMatch(
      /error rate: cannot catch ×2 within the 6 s window \(traffic is too low for any test to tell\); .*expect "inconclusive"/,
    );
    expect(r.stdout).toContain("Inconclusive on ENG-1234 on production");
    expect(r.stdout).toContain("Next: keep watching: firebreak verify --window 60m");
    const status = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(status.incident.data.verification.production.outcome).toBe("inconclusive");
  });

  it("stops early when no metric can be read: inconclusive on the record, the last error masked, the source and the command to run", async () => {
    const STATS_TOKEN = "Bearer stats-token-never-printed-5521";
    // A window of an hour: only the run of failed reads can end this in time.
    fx.commit("chore: firebreak config", {
      ".firebreak.yml": `verify:
  baseUrl: { production: "${app.url}" }
  warmupSeconds: 0
  intervalSeconds: 0.2
  windowMinutes: 60
  metrics:
    - { name: queue failures, source: json, url: /stats, headers: { Authorization: env:STATS_TOKEN }, bad: $.jobs.failed, total: $.jobs.done, baseline: { fraction: 0.01 } }
`,
    });
    fx.git("push", "-q", "origin", "main");
    await startIncident();
    app.state.metricsDown = true;
    const r = await firebreak(fx.work, ["verify"], { env: { STATS_TOKEN }, timeoutMs: 60_000 });
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(r.stdout).toContain(
      "Inconclusive on ENG-1234 on production: verify stopped before the window ended, because every metric's last 8 reads failed.",
    );
    expect(r.stdout).toContain(`queue failures (verify.metrics[0], ${app.url}/stats): HTTP 503`);
    expect(r.stdout).toContain(`Next: check that ${app.url}/stats answers (curl ${app.url}/stats), then: firebreak verify --window 60m`);
    const status = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(status.incident.status).not.toBe("verified");
    expect(status.incident.data.verification.production).toMatchObject({ outcome: "inconclusive", unreadable: { failedReads: 8 } });
    const verdict = (await log()).find((e) => e.kind === "verify.production.inconclusive")!;
    expect(verdict.data.summary).toMatch(
      /^production: inconclusive: stopped .* after the deploy, before the window ended, because every metric's last 8 reads failed \(queue failures: HTTP 503/,
    );
    // The gateway echoed the token into its error: masked in the output and on the record.
    expect(JSON.stringify(verdict)).toContain("HTTP 503");
    expect(r.stdout + r.stderr + JSON.stringify(status) + JSON.stringify(await log())).not.toContain("stats-token-never-printed");
  });

  it("says what to configure when there is nothing to verify with", async () => {
    await startIncident();
    const r = await firebreak(fx.work, ["verify"]);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain("Nothing to verify production with");
    expect(r.stderr).toContain("Next: add verify.smoke and verify.metrics");
  });
});
