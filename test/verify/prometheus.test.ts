// Integration with a real Prometheus (Debian's package): it scrapes a local service every second;
// the baseline comes from Prometheus' history before the deploy, the watch from its HTTP API.
// Without `prometheus` on PATH this test fails: CI installs it (.ci/run).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";
import { App } from "../../src/app/app.js";
import { resolveIncident } from "../../src/app/resolve-incident.js";
import { verifyDeploy } from "../../src/workflow/verify.js";
import { startApp, type FixtureApp } from "./fixture-app.js";

let prom: ChildProcess | undefined;
let promUrl = "";
let dir = "";
let app: FixtureApp;
let fx: GitFixture;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function query(q: string): Promise<Array<{ value: [number, string] }>> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`).catch(() => null);
  if (!res || !res.ok) return [];
  return ((await res.json()) as { data: { result: Array<{ value: [number, string] }> } }).data.result;
}

beforeAll(async () => {
  const found = spawnSync("prometheus", ["--version"], { encoding: "utf8" });
  if (found.error)
    throw new Error(
      `prometheus is not on PATH (${found.error.message}). Install Debian's package: apt-get install -y --no-install-recommends prometheus (CI's .ci/run does).`,
    );
  app = await startApp({ rate: 2000, errorFraction: 0.01 });
  dir = mkdtempSync(join(tmpdir(), "firebreak-prom-"));
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, "prometheus.yml"),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: app
    scrape_interval: 1s
    static_configs: [{ targets: ["127.0.0.1:${app.port}"] }]
`,
  );
  prom = spawn(
    "prometheus",
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  prom.stderr!.on("data", (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
  // Ready once it has scraped the service for the baseline window (8 s of 1 s scrapes).
  for (let i = 0; i < 300; i++) {
    if (prom.exitCode !== null) throw new Error(`prometheus exited (${prom.exitCode}): ${log}`);
    const r = await query("count_over_time(app_requests_total[1m])");
    if (r.length && Number(r[0]!.value[1]) >= 8) break;
    await sleep(100);
  }

  fx = makeRepo();
  fx.commit("chore: firebreak config", {
    ".firebreak.yml": `verify:
  warmupSeconds: 1
  intervalSeconds: 1
  windowMinutes: 1
  autoRollback: { P1: true }
  metrics:
    - name: error rate
      source: prometheus
      url: ${promUrl}
      bad: 'app_requests_total{status="500"}'
      total: app_requests_total
      baseline: { minutes: 0.12 }
    - name: slow requests
      source: prometheus
      url: ${promUrl}
      histogram: app_request_duration_seconds
      objectiveMs: 250
      baseline: { minutes: 0.12 }
`,
  });
  fx.git("push", "-q", "origin", "main");
  const r = await firebreak(fx.work, ["start", "ENG-77", "Checkout errors", "--priority", "P1", "--no-push"]);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  if (prom && prom.exitCode === null) {
    const exited = new Promise((r) => prom!.once("exit", r));
    prom.kill("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
    if (prom.exitCode === null) prom.kill("SIGKILL");
  }
  await app?.close();
  fx?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function verifyNow(): Promise<{ outcome: string; rolledBack: string[]; summary: string; baselineFrom: string[] }> {
  const a = new App({ cwd: fx.work, env: { ...process.env, FIREBREAK_ACTOR: "tester" } });
  try {
    const incident = await resolveIncident(a);
    const rolledBack: string[] = [];
    const r = await verifyDeploy(a, incident, {
      env: "production",
      since: a.clock.now(),
      keepWatching: false,
      onRegression: async (reason) => void rolledBack.push(reason),
    });
    return { outcome: r.outcome, rolledBack, summary: r.summary, baselineFrom: r.metrics.map((m) => m.baselineFrom) };
  } finally {
    await a.close();
  }
}

describe("verify with a real Prometheus", () => {
  it("verifies a deploy whose error rate stays at the baseline", async () => {
    app.state.errorFraction = 0.01;
    const r = await verifyNow();
    expect(r.outcome, r.summary).toBe("verified");
    expect(r.rolledBack).toEqual([]);
    expect(r.baselineFrom).toEqual(["history", "history"]);
    expect(r.summary).toMatch(/error rate [\d.]+\/min → [\d.]+\/min/);
    expect(r.summary).toMatch(/p99 \d+ ms → \d+ ms/);
  });

  it("calls a regression when the error rate stays up after the deploy, and runs the configured rollback", async () => {
    app.state.errorFraction = 0.08;
    const r = await verifyNow();
    expect(r.outcome, r.summary).toBe("regression");
    expect(r.rolledBack).toHaveLength(1);
    expect(r.rolledBack[0]).toMatch(/^production regression: error rate ×\d/);
    const status = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(status.incident.data.verification.production).toMatchObject({ outcome: "regression", rollback: "automatic" });
  });
});
