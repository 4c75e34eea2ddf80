// The verify section of .firebreak.yml: every key optional, defaults as documented, mistakes
// reported with their place and what to write instead.

import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/load.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { FirebreakError } from "../../src/errors.js";

const problems = (yml: string): string[] => {
  try {
    parseConfigText(yml);
  } catch (e) {
    if (e instanceof FirebreakError) return e.details;
    throw e;
  }
  return [];
};

describe("verify config", () => {
  it("defaults: α = β = 1%, 60 s warm-up, 30 min window, 2× regression, no rollback by itself", () => {
    expect(DEFAULT_CONFIG.verify).toMatchObject({
      alpha: 0.01,
      beta: 0.01,
      warmupSeconds: 60,
      windowMinutes: 30,
      regressionRatio: 2,
      tolerance: 1,
      smoke: [],
      metrics: [],
      autoRollback: {},
    });
  });

  it("reads smoke tests and every source kind, with secrets as env: references", () => {
    const { config } = parseConfigText(`verify:
  baseUrl: { production: https://api.example.com }
  autoRollback: { P0: true }
  smoke:
    - { name: expired token, url: /profile, headers: { Authorization: env:EXPIRED_TOKEN }, expectStatus: 401 }
  metrics:
    - { name: errors, source: prometheus, url: http://prom:9090, bad: 'http_requests_total{code=~"5.."}', total: http_requests_total }
    - { name: slow, source: scrape, url: /metrics, histogram: http_request_duration_seconds, objectiveMs: 500 }
    - { name: sentry, source: sentry, org: acme, project: api }
    - { name: jobs, source: json, url: /stats, good: $.ok, total: $.all, direction: lower-is-worse }
`);
    expect(config.verify.smoke[0]).toMatchObject({
      method: "GET",
      expectStatus: 401,
      timeoutMs: 5000,
      retries: 0,
      headers: { Authorization: "env:EXPIRED_TOKEN" },
    });
    expect(config.verify.metrics.map((m) => m.source)).toEqual(["prometheus", "scrape", "sentry", "json"]);
    expect(config.verify.metrics[2]).toMatchObject({ url: "https://sentry.io", token: "env:SENTRY_AUTH_TOKEN" });
    expect(config.verify.autoRollback).toEqual({ P0: true });
  });

  it("reports what is missing or wrong in a metric", () => {
    const found = problems(`verify:
  tolerance: 3
  metrics:
    - { name: a, source: scrape, url: /metrics, total: x }
    - { name: b, source: scrape, url: /metrics, histogram: h }
    - { name: c, source: json, url: ftp://x, bad: $.a }
    - { name: d, source: sentry, org: acme, project: api, token: abc123 }
`).join("\n");
    expect(found).toContain("say what is counted");
    expect(found).toContain("a histogram needs objectiveMs");
    expect(found).toContain("must be an http(s) URL or a path starting with /");
    expect(found).toContain("write env:NAME");
    expect(found).toContain("must be below regressionRatio");
  });
});
