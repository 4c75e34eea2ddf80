// The composition root builds every adapter from .firebreak.yml and the environment, on first use:
// what a command gets is what the team configured, and one channel's missing secret fails that
// channel only.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../src/app/app.js";
import { isFirebreakError } from "../../src/errors.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";

let fx: GitFixture;
let app: App | undefined;

beforeEach(() => {
  fx = makeRepo();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  fx.cleanup();
});

function appWith(yml: string, env: NodeJS.ProcessEnv = {}): App {
  fx.write(".firebreak.yml", yml);
  app = new App({ cwd: fx.work, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  return app;
}

async function codeOf(call: () => unknown): Promise<string> {
  try {
    await call();
  } catch (e) {
    return isFirebreakError(e) ? e.code : String(e);
  }
  return "no error";
}

describe("the adapters a command is given", () => {
  it("are the offline ones when nothing else is configured", async () => {
    const a = appWith("production:\n  branch: main\n").adapters;
    expect((await a.forge()).kind).toBe("git");
    expect((await a.tracker("ENG-1")).kind).toBe("file");
    expect(await a.deployer("staging")).toBeNull();
    expect((await a.metricSources("production")).metrics).toEqual([]);
  });

  it("follow .firebreak.yml: a GitHub forge and tracker, a command deployer, the metrics of one environment", async () => {
    const a = appWith(
      [
        "forge:",
        "  type: github",
        "  repo: acme/api",
        "deploy:",
        "  production:",
        "    type: command",
        '    command: "echo deploying"',
        "verify:",
        '  baseUrl: { production: "http://127.0.0.1:9", staging: "http://127.0.0.1:9" }',
        "  metrics:",
        "    - { name: error rate, source: scrape, url: /metrics, bad: errors_total, total: requests_total }",
        "    - { name: staging only, source: scrape, url: /metrics, bad: errors_total, total: requests_total, environments: [staging] }",
        "",
      ].join("\n"),
      { GITHUB_TOKEN: "ghp_0123456789abcdefghijABCDEFGHIJ012345" },
    ).adapters;
    expect((await a.forge()).kind).toBe("github");
    const tracker = await a.tracker("ENG-1");
    expect([tracker.kind, tracker.where]).toEqual(["github", "acme/api"]);
    const deployer = await a.deployer("production");
    expect([deployer?.type, deployer?.env]).toEqual(["command", "production"]);
    const sources = await a.metricSources("production");
    expect(sources.metrics.map((m) => m.metric.name)).toEqual(["error rate"]);
    const [first] = sources.metrics;
    expect(sources.build(first!.metric, first!.index, { deployAt: new Date() }).kind).toBe("cumulative");
  });

  it("give git in the run's folder, or in another checkout when asked", async () => {
    const a = appWith("production:\n  branch: main\n").adapters;
    expect(a.git()).toBe(app!.git);
    expect(a.git(fx.root).cwd).toBe(fx.root);
  });
});

describe("notifiers", () => {
  let server: Server;
  let received: unknown[];
  let url: string;

  beforeEach(async () => {
    received = [];
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.writeHead(200).end("1");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/teams`;
  });

  afterEach(() => new Promise<void>((r) => server.close(() => r())));

  const net = { timeoutMs: 3000, retry: { maxWaitSeconds: 1, maxAttempts: 1, defaultWaitSeconds: 1 } };

  it("are built per channel: a missing secret or section fails that channel only", async () => {
    const n = await appWith("notify:\n  slack: { webhook: env:SLACK_URL }\n  teams: { webhook: env:TEAMS_URL }\n", {
      TEAMS_URL: url,
    }).adapters.notifiers(net);
    expect(await codeOf(() => n.slack())).toBe("SECRET_MISSING");
    expect(await codeOf(() => n.webhook())).toBe("CHANNEL_NOT_CONFIGURED");
    const card = {
      type: "message" as const,
      attachments: [
        { contentType: "application/vnd.microsoft.card.adaptive" as const, contentUrl: null, content: { text: "ENG-1 resolved" } },
      ],
    };
    await n.teams().post(card);
    expect(received).toEqual([card]);
  });
});
