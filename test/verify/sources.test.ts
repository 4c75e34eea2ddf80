// The json and sentry sources against real local HTTP servers, and the watch deciding on each.

import { afterEach, describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/config/schema.js";
import { createSource } from "../../src/verify/sources/create.js";
import { baselineFromBuckets } from "../../src/verify/baseline-window.js";
import { watch } from "../../src/verify/watch.js";
import type { MetricConfig } from "../../src/config/schema-verify.js";
import { FirebreakError } from "../../src/errors.js";
import { startApp, type FixtureApp } from "./fixture-app.js";
import { errorsBetween, startSentry, type FakeSentry } from "./sentry-server.js";

const metric = (m: Record<string, unknown>): MetricConfig => ConfigSchema.parse({ verify: { metrics: [m] } }).verify.metrics[0]!;
const settings = {
  alpha: 0.01,
  beta: 0.01,
  tolerance: 1,
  regressionRatio: 2,
  warmupSeconds: 0,
  windowSeconds: 60,
  intervalSeconds: 0.3,
  keepWatching: false,
};

let app: FixtureApp | undefined;
let sentry: FakeSentry | undefined;
afterEach(async () => {
  await app?.close();
  await sentry?.close();
  app = undefined;
  sentry = undefined;
});

describe("json source", () => {
  it("reads running totals by JSON path and counts the difference", async () => {
    app = await startApp({ rate: 1000, errorFraction: 0.2 });
    const src = createSource(
      metric({ name: "job failures", source: "json", url: `${app.url}/stats`, bad: "$.jobs.failed", total: "jobs.done" }),
      0,
      { env: "production", processEnv: {}, deployAt: new Date() },
    );
    if (src.kind !== "cumulative") throw new Error("json is cumulative");
    expect(src.describes).toBe("$.jobs.failed out of jobs.done");
    const a = await src.read();
    await new Promise((r) => setTimeout(r, 300));
    const c = src.between(a, await src.read());
    expect(c.total).toBeGreaterThan(0);
    expect(c.bad / c.total).toBeCloseTo(0.2, 1);
  });

  it("a path to something that is not a number fails the read, saying what is there", async () => {
    app = await startApp();
    const src = createSource(metric({ name: "x", source: "json", url: `${app.url}/stats`, bad: "$.jobs", total: "$['odd key'][0].n" }), 0, {
      env: "production",
      processEnv: {},
      deployAt: new Date(),
    });
    if (src.kind !== "cumulative") throw new Error("json is cumulative");
    await expect(src.read()).rejects.toThrow(/\$\.jobs in .* is \{.*\}, not a number/);
  });

  it("the watch calls a fix verified on a healthy endpoint and a regression on a failing one", async () => {
    app = await startApp({ rate: 2000, errorFraction: 0.01 });
    const m = metric({ name: "job failures", source: "json", url: `${app.url}/stats`, bad: "$.jobs.failed", total: "$.jobs.done" });
    const src = createSource(m, 0, { env: "production", processEnv: {}, deployAt: new Date() });
    const baseline = { bad: 300, total: 30_000, seconds: 15, dispersion: 1, how: "captured" as const };
    const healthy = await watch({ settings, metrics: [{ name: "job failures", source: src, baseline }], deployAt: new Date() });
    expect(healthy.outcome).toBe("verified");
    app.state.errorFraction = 0.08;
    const failing = await watch({ settings, metrics: [{ name: "job failures", source: src, baseline }], deployAt: new Date() });
    expect(failing.outcome).toBe("regression");
    expect(failing.view.metrics[0]!.state.interval[0]).toBeGreaterThan(1);
  });
});

describe("sentry source", () => {
  const token = "sntrys_token_for_tests_0123456789";
  const base = { project: "api", projectId: 42, environment: "production", release: "old" };

  it("counts errors per window, narrows to the release after the deploy, and lists new issues", async () => {
    sentry = await startSentry(token);
    const deployAt = Date.now() - 60_000;
    sentry.events.push(...errorsBetween(deployAt - 600_000, deployAt, 2, base));
    sentry.events.push(...errorsBetween(deployAt, deployAt + 60_000, 0.5, { ...base, release: "v1.4.3" }));
    sentry.events.push(...errorsBetween(deployAt, deployAt + 60_000, 3, { ...base, environment: "staging" }));
    sentry.issues.push({
      id: "101",
      shortId: "API-12",
      title: "TypeError: token.exp is undefined",
      culprit: "auth.check",
      permalink: `${sentry.url}/organizations/acme/issues/101/`,
      firstSeen: new Date(deployAt + 5_000).toISOString(),
      lastSeen: new Date().toISOString(),
      count: "14",
      userCount: 3,
      level: "error",
      status: "unresolved",
      project: { id: "42", slug: "api", name: "api" },
    });
    const m = metric({
      name: "errors",
      source: "sentry",
      url: sentry.url,
      org: "acme",
      project: "api",
      projectId: 42,
      token: "env:SENTRY_TEST",
      environment: "production",
      release: "v1.4.3",
    });
    const src = createSource(m, 0, { env: "production", processEnv: { SENTRY_TEST: token }, deployAt: new Date(deployAt) });
    if (src.kind !== "windowed") throw new Error("sentry is windowed");
    const buckets = await src.history!(new Date(deployAt - 600_000), new Date(deployAt), 15);
    expect(buckets).toHaveLength(6);
    const b = baselineFromBuckets(buckets, 600, "history", "seconds");
    expect(b.bad).toBe(1200);
    expect(b.total).toBeCloseTo(600, 5);
    const after = await src.window(new Date(deployAt), new Date(deployAt + 60_000));
    expect(after).toEqual({ bad: 30, total: 60 });
    const notes = await src.notes!(new Date(deployAt), new Date());
    expect(notes).toEqual(["1 new Sentry issue since the deploy: API-12 TypeError: token.exp is undefined (14 events)"]);
    expect(sentry.requests.some((r) => r.includes("release%3Av1.4.3"))).toBe(true);
    expect(
      sentry.requests
        .filter((r) => r.startsWith("/api/0/organizations/acme/events/"))
        .every((r) => r.includes("field=count%28%29") && r.includes("dataset=errors")),
    ).toBe(true);
  });

  it("uses the project's issues endpoint by slug when no projectId is given", async () => {
    sentry = await startSentry(token);
    const src = createSource(
      metric({ name: "errors", source: "sentry", url: sentry.url, org: "acme", project: "api", token: "env:SENTRY_TEST" }),
      0,
      { env: "production", processEnv: { SENTRY_TEST: token }, deployAt: new Date() },
    );
    if (src.kind !== "windowed") throw new Error("sentry is windowed");
    expect(await src.notes!(new Date(Date.now() - 1000), new Date())).toEqual([]);
    expect(sentry.requests.at(-1)).toMatch(/^\/api\/0\/projects\/acme\/api\/issues\/\?query=is%3Aunresolved/);
  });

  it("a refused token stops with what scopes to give it, never the token", async () => {
    sentry = await startSentry(token);
    const src = createSource(
      metric({ name: "errors", source: "sentry", url: sentry.url, org: "acme", project: "api", token: "env:SENTRY_TEST" }),
      0,
      { env: "production", processEnv: { SENTRY_TEST: "wrong-token-abcdef" }, deployAt: new Date() },
    );
    if (src.kind !== "windowed") throw new Error("sentry is windowed");
    const e = await src.window(new Date(Date.now() - 1000), new Date()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FirebreakError);
    expect((e as FirebreakError).message).toContain("Sentry refused the token (HTTP 401)");
    expect(JSON.stringify((e as FirebreakError).toJSON())).not.toContain("wrong-token-abcdef");
  });

  it("the watch rolls back when errors per second jump after the deploy", async () => {
    sentry = await startSentry(token);
    const deployAt = Date.now();
    sentry.events.push(...errorsBetween(deployAt - 600_000, deployAt, 1, base));
    sentry.events.push(...errorsBetween(deployAt, deployAt + 120_000, 40, base));
    const m = metric({
      name: "errors",
      source: "sentry",
      url: sentry.url,
      org: "acme",
      project: "api",
      projectId: 42,
      token: "env:SENTRY_TEST",
      environment: "production",
    });
    const src = createSource(m, 0, { env: "production", processEnv: { SENTRY_TEST: token }, deployAt: new Date(deployAt) });
    if (src.kind !== "windowed") throw new Error("sentry is windowed");
    const baseline = baselineFromBuckets(
      await src.history!(new Date(deployAt - 600_000), new Date(deployAt), 15),
      600,
      "history",
      "seconds",
    );
    const r = await watch({ settings, metrics: [{ name: "errors", source: src, baseline }], deployAt: new Date(deployAt) });
    expect(r.outcome).toBe("regression");
  });
});
