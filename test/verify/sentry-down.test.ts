// Sentry answering 500 is an unreadable source like any other: verify ends inconclusive with the
// reason on the record and the next command, never "Unexpected error".

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

let fx: GitFixture;
let sentry: Server;
let url = "";
let hits = 0;
beforeEach(async () => {
  fx = makeRepo();
  hits = 0;
  sentry = createServer((_req, res) => {
    hits++;
    res.writeHead(500, { "content-type": "application/json" }).end('{"detail":"Internal Error"}');
  });
  await new Promise<void>((r) => sentry.listen(0, "127.0.0.1", r));
  const a = sentry.address();
  url = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
});
afterEach(async () => {
  await new Promise<void>((r) => sentry.close(() => r()));
  fx.cleanup();
});

describe("verify with Sentry answering 500", () => {
  it("records the metric as unreadable and ends inconclusive with the next command (exit 5), not an unexpected error", async () => {
    fx.commit("chore: firebreak config", {
      ".firebreak.yml": `verify:\n  warmupSeconds: 0\n  intervalSeconds: 0.2\n  windowMinutes: 60\n  metrics:\n    - { name: errors, source: sentry, url: "${url}", org: acme, project: api, token: env:SENTRY_TOKEN }\n`,
    });
    fx.git("push", "-q", "origin", "main");
    expect((await firebreak(fx.work, ["start", "ENG-1234", "Expired tokens accepted", "--priority", "P1", "--no-push"])).code).toBe(0);
    const r = await firebreak(fx.work, ["verify"], { env: { SENTRY_TOKEN: "sntrys-token-5521" }, timeoutMs: 60_000 });
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(r.stderr).not.toContain("Unexpected error");
    expect(r.stderr).toContain("errors: its baseline could not be read");
    expect(r.stdout).toContain("Inconclusive on ENG-1234 on production: verify stopped before the window ended");
    expect(r.stdout).toMatch(/Next: check that .* answers/);
    expect(hits).toBeGreaterThan(0);
    const status = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(status.incident.data.verification.production).toMatchObject({
      outcome: "inconclusive",
      unreadable: { failedReads: expect.any(Number) },
    });
  });
});
