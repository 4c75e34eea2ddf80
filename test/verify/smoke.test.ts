// Smoke tests against a real local service: status, body text, JSON path, retries, timeouts, and
// a secret header that never shows in a result.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/config/schema.js";
import { runSmokeTests } from "../../src/verify/smoke.js";
import { startApp, type FixtureApp } from "./fixture-app.js";

let app: FixtureApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => app.close());

const smokeConfig = (smoke: unknown[]) => ConfigSchema.parse({ verify: { baseUrl: { production: app.url }, smoke } }).verify.smoke;
const run = (smoke: unknown[], env: Record<string, string> = {}) =>
  runSmokeTests(smokeConfig(smoke), { env: "production", baseUrl: app.url, processEnv: env });

describe("smoke tests", () => {
  it("an expired token must get 401; a good one 200 with the user in the JSON", async () => {
    const results = await run(
      [
        {
          name: "expired token refused",
          url: "/profile",
          headers: { Authorization: "env:EXPIRED_BEARER" },
          expectStatus: 401,
          expectBody: "expired",
        },
        {
          name: "valid token accepted",
          url: "/profile",
          headers: { Authorization: "env:GOOD_BEARER" },
          expectJson: { path: "$.user.name", equals: "alice" },
        },
        {
          name: "user id present",
          url: `${app.url}/profile`,
          headers: { Authorization: "env:GOOD_BEARER" },
          expectJson: { path: "user['id']" },
        },
      ],
      { EXPIRED_BEARER: "Bearer expired-token-99", GOOD_BEARER: "Bearer good-token-1234567" },
    );
    expect(results.map((r) => [r.name, r.ok, r.status])).toEqual([
      ["expired token refused", true, 401],
      ["valid token accepted", true, 200],
      ["user id present", true, 200],
    ]);
  });

  it("says what was expected and what came back", async () => {
    const [wrongStatus, wrongBody, wrongJson, missingJson] = await run([
      { name: "status", url: "/profile", headers: { Authorization: "Bearer good-token-1234567" }, expectStatus: 401 },
      { name: "body", url: "/flaky", expectBody: "ready" },
      {
        name: "json",
        url: "/profile",
        headers: { Authorization: "Bearer good-token-1234567" },
        expectJson: { path: "$.user.name", equals: "bob" },
      },
      { name: "json missing", url: "/flaky", expectJson: { path: "$.user" } },
    ]);
    expect(wrongStatus!.reason).toMatch(/^expected 401, got 200 \(body: \{"user"/);
    expect(wrongBody!.reason).toContain('the body does not contain "ready"');
    expect(wrongJson!.reason).toBe('$.user.name is "alice", expected "bob"');
    expect(missingJson!.reason).toContain("$.user is missing");
    expect([wrongStatus, wrongBody, wrongJson, missingJson].every((r) => r!.ok === false)).toBe(true);
  });

  it("retries a failing request up to `retries` times", async () => {
    app.state.flakyFailures = 2;
    const [ok] = await run([{ name: "flaky", url: "/flaky", retries: 2, retryDelayMs: 10 }]);
    expect(ok).toMatchObject({ ok: true, attempts: 3, status: 200 });
    app.state.flakyFailures = 5;
    const [failed] = await run([{ name: "flaky", url: "/flaky", retries: 1, retryDelayMs: 10 }]);
    expect(failed).toMatchObject({ ok: false, attempts: 2, status: 503 });
    app.state.flakyFailures = 0;
  });

  it("gives up on a request that does not answer within its timeout", async () => {
    const [slow] = await run([{ name: "slow", url: "/slow", timeoutMs: 200 }]);
    expect(slow).toMatchObject({ ok: false, reason: "no answer within 200 ms" });
  });

  it("never shows a header secret, even when the service echoes it back", async () => {
    const secret = "Bearer s3cr3t-value-from-env-42";
    const results = await run([{ name: "echo", url: "/echo", headers: { Authorization: "env:ECHO_BEARER" }, expectBody: "not there" }], {
      ECHO_BEARER: secret,
    });
    const text = JSON.stringify(results);
    expect(results[0]!.ok).toBe(false);
    expect(text).toContain("****");
    expect(text).not.toContain("s3cr3t-value-from-env-42");
  });

  it("skips tests meant for another environment", async () => {
    const results = await runSmokeTests(smokeConfig([{ name: "staging only", url: "/flaky", environments: ["staging"] }]), {
      env: "production",
      baseUrl: app.url,
      processEnv: {},
    });
    expect(results).toEqual([]);
  });
});
