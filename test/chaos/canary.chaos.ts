// Canary secrets in every secret setting (GitHub token, Slack, Teams and generic webhook URLs, the
// webhook's bearer token, SMTP password, Statuspage key, Linear key, Sentry token, the database
// URL), against receivers that echo the request (path, headers, body) in their errors and an SMTP
// server that echoes the credentials. A check and the deploy print secrets too. Every output and
// every file written is scanned (canary-scan.ts): occurrences must be 0.

import { afterEach, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { SMTPServer } from "smtp-server";
import { report } from "./figures.js";
import { makeWorld, type World } from "./world.js";
import { filesUnder, readAll, scan, type Canary } from "./canary-scan.js";
import { firebreak } from "../helpers/cli.js";

let w: World | undefined;
let echo: Server | undefined;
let smtp: SMTPServer | undefined;
afterEach(async () => {
  await w?.cleanup();
  if (echo) await new Promise<void>((r) => echo!.close(() => r()));
  if (smtp) await new Promise<void>((r) => smtp!.close(() => r()));
  w = echo = smtp = undefined;
});

const core = (name: string) => `Cnry${name}${randomBytes(6).toString("hex")}`;

describe("canary secrets", () => {
  it("no canary in stdout, stderr, --json, the database or any file written", async () => {
    const C = Object.fromEntries(
      ["GitHub", "Slack", "Teams", "Hook", "HookToken", "Smtp", "Statuspage", "Linear", "Sentry", "Db"].map((n) => [n, core(n)]),
    );
    const canaries: Canary[] = Object.entries(C).map(([name, c]) => ({ name, core: c }));

    let echoed = 0;
    // Every request is answered with an error that echoes it: the classic leak.
    echo = createServer((req, res) => {
      let body = "";
      req.on("data", (b: Buffer) => (body += b.toString()));
      req.on("end", () => {
        echoed++;
        const status = req.url?.startsWith("/slack") ? 404 : 500;
        res
          .writeHead(status, { "content-type": "text/plain" })
          .end(`Cannot ${req.method} ${req.url}\nheaders: ${JSON.stringify(req.headers)}\nbody: ${body}`);
      });
    });
    await new Promise<void>((r) => echo!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
    // An SMTP server that refuses the login and repeats what it was sent.
    smtp = new SMTPServer({
      disabledCommands: ["STARTTLS"],
      logger: false,
      onAuth: (auth, _s, cb) =>
        cb(
          Object.assign(
            new Error(
              `535 5.7.8 credentials ${Buffer.from(`\0${auth.username}\0${auth.password}`).toString("base64")} rejected for ${auth.username}:${auth.password}`,
            ),
            { responseCode: 535 },
          ),
        ),
    });
    await new Promise<void>((r) => smtp!.listen(0, "127.0.0.1", () => r()));
    const smtpPort = (smtp.server.address() as { port: number }).port;

    const env = {
      GITHUB_TOKEN: `ghp_${C.GitHub}`,
      CHAT_URL_SLACK: `${url}/slack/services/T000/B000/${C.Slack}`,
      TEAMS_ENDPOINT: `${url}/teams/webhookb2/${C.Teams}`,
      GENERIC_ENDPOINT: `${url}/hook/${C.Hook}?sig=${C.Hook}`,
      HOOK_TOKEN: `${C.HookToken}`,
      SMTP_PASSWORD: `${C.Smtp}`,
      SP_KEY: `${C.Statuspage}`,
      LINEAR_API_KEY: `lin_api_${C.Linear}`,
      SENTRY_AUTH_TOKEN: `sntrys_${C.Sentry}`,
    };
    w = await makeWorld({
      stage: "ready",
      env,
      checks: () =>
        `node -e "console.log('token', process.env.GITHUB_TOKEN, 'smtp', process.env.SMTP_PASSWORD, 'hook', process.env.CHAT_URL_SLACK)"`,
      extraConfig: ({ root }) => `notify:
  auto: { ship: monitoring }
  timeoutSeconds: 3
  maxRetryWaitSeconds: 1
  slack: { webhook: env:CHAT_URL_SLACK }
  teams: { webhook: env:TEAMS_ENDPOINT }
  webhook: { url: env:GENERIC_ENDPOINT, token: env:HOOK_TOKEN }
  statuspage: { apiKey: env:SP_KEY, pageId: page1, apiUrl: ${url}/statuspage/v1 }
  staticPage: { dir: ${root}/status-site }
  email:
    from: status@acme.test
    to: [ana@customer.test]
    smtp: { host: 127.0.0.1, port: ${smtpPort}, secure: false, user: ops, password: env:SMTP_PASSWORD }
tracker: { type: linear, teamId: team1, token: env:LINEAR_API_KEY, apiUrl: ${url}/graphql }
verify:
  baseUrl: { production: "${url}" }
  metrics:
    - { name: errors, source: sentry, url: "${url}", org: acme, project: api, token: env:SENTRY_AUTH_TOKEN, environment: production }
`,
    });
    const world = w;
    const outputs: Record<string, string> = {};
    const run = async (args: string[], extra: Record<string, string> = {}) => {
      const r = await world.cli(args, { env: extra });
      outputs[`firebreak ${args.join(" ")} (stdout)`] = r.stdout;
      outputs[`firebreak ${args.join(" ")} (stderr)`] = r.stderr;
      codes.push(`${args.join(" ")}: exit ${r.code} ${r.code ? r.stderr.trim().split("\n").slice(0, 2).join(" | ") : ""}`);
      return r;
    };
    const codes: string[] = [];
    // The scan means something only if the work was done: the deploy happened and every channel was tried.
    const shipped = await run(["ship", "--no-verify", "--json"]);
    expect(shipped.code, shipped.stdout + shipped.stderr).toBe(0);
    await run(["ship", "--no-verify"]);
    // The check runs again on a changed tree, printing secrets as a careless test does.
    world.fx.write("src/extra.js", "export const extra = 1;\n");
    await run(["check"]);
    await run(["check", "--json"]);
    world.fx.git("checkout", "--", ".");
    world.fx.git("clean", "-fdq");
    await run(["announce", "--stage", "identified"]);
    await run(["announce", "--stage", "monitoring", "--json"]);
    await run(["verify", "--stop-at-verdict", "--window", "5s", "--json"]);
    await run(["action", "add", "Alert on token expiry", "--owner", "dana", "--due", "2026-12-01"]);
    await run(["followups", "--json"]);
    await run(["log"]);
    await run(["log", "--json"]);
    await run(["status", "--json"]);
    await run(["review", "--write"]);
    await run(["review", "--write", "--json"]);
    // The database URL: a store that cannot be reached must not print its password.
    const db = await firebreak(world.fx.work, ["status", "--json"], {
      env: { ...world.env, FIREBREAK_DATABASE_URL: `postgres://ops:${C.Db}@127.0.0.1:1/firebreak` },
    });
    outputs["status with an unreachable database URL (stdout)"] = db.stdout;
    outputs["status with an unreachable database URL (stderr)"] = db.stderr;

    // Every file Firebreak wrote: the record, its logs, reviews, .eml, the status page. The test's
    // own files (its deploy script's folder, the recipients list) are not Firebreak's.
    console.log(codes.join("\n"));
    expect(echoed, "the echoing receivers were called").toBeGreaterThan(3);
    const files = filesUnder(world.fx.root, (rel) => rel === "deploy" || rel === "pushes.log");
    const hits = scan({ ...outputs, ...readAll(files) }, canaries);
    const byCanary = new Map<string, number>();
    for (const h of hits) byCanary.set(h.canary, (byCanary.get(h.canary) ?? 0) + h.n);
    report(
      ...canaries.map((c) => ({
        group: "canary secrets",
        scenario: c.name,
        canaries: byCanary.get(c.name) ?? 0,
        notes: hits.filter((h) => h.canary === c.name).map((h) => `${h.n}× in ${h.where.replace(world.fx.root, "<root>")}`),
      })),
    );
  });
});
