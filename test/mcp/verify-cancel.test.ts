// A cancelled verify_run: the watch stops and the record says what was interrupted, as Ctrl-C at
// the CLI does. A local service with real metrics; warm-up, interval and window small in config.

import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { startApp, type FixtureApp } from "../verify/fixture-app.js";
import { closeAll, connect } from "./client.js";

let fx: GitFixture | undefined;
let svc: FixtureApp | undefined;
afterEach(async () => {
  await closeAll();
  await svc?.close();
  fx?.cleanup();
  fx = svc = undefined;
});

const events = async (f: GitFixture) =>
  (await firebreak(f.work, ["log", "--json"])).json().events as Array<{ kind: string; data: Record<string, unknown> }>;

describe("firebreak mcp: a cancelled verify", () => {
  it("stops the watch and records it as interrupted", async () => {
    fx = makeRepo();
    svc = await startApp({ rate: 2000, errorFraction: 0.01, slowFraction: 0.02 });
    fx.commit("chore: firebreak config", {
      ".firebreak.yml": `verify:
  baseUrl: { production: "${svc.url}" }
  warmupSeconds: 1
  intervalSeconds: 0.5
  baselineSeconds: 3
  baselineMaxSeconds: 4
  windowMinutes: 1
  metrics:
    - { name: error rate, source: scrape, url: /metrics, bad: 'app_requests_total{status="500"}', total: app_requests_total }
`,
    });
    fx.git("push", "-q", "origin", "main");
    expect((await firebreak(fx.work, ["start", "ENG-21", "Expired tokens accepted", "--priority", "P1", "--no-push"])).code).toBe(0);
    expect((await firebreak(fx.work, ["verify", "--capture-baseline"])).code).toBe(0);
    svc.restart();

    const s = await connect(fx.work, ["--toolsets", "verify", "--allow", "verify"]);
    const abort = new AbortController();
    const call = s.client.callTool({ name: "verify_run", arguments: {} }, CallToolResultSchema, {
      signal: abort.signal,
      onprogress: (p) => {
        if (String(p.message) === "watching") abort.abort("the person stopped it");
      },
    });
    await expect(call).rejects.toThrow();
    let kinds: string[] = [];
    for (let i = 0; i < 120 && !kinds.some((k) => k.startsWith("verify.production.")); i++) {
      await new Promise((r) => setTimeout(r, 250));
      kinds = (await events(fx)).map((e) => e.kind);
    }
    const verdict = (await events(fx)).find((e) => e.kind.startsWith("verify.production."))!;
    expect(verdict.kind).toBe("verify.production.inconclusive");
    expect(verdict.data.summary).toContain("interrupted before a verdict");
    expect((await events(fx)).at(-1)).toMatchObject({ actor: "agent (tester)" });
  });
});
