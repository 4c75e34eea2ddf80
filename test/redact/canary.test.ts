// Canary secrets in every secret setting, against receivers that refuse with errors echoing the
// request (its path, headers and body) and an SMTP server whose refusal echoes the base64 of the
// credentials; a check that prints secrets; a deploy that prints its token without "Bearer ".
// Not one form of any canary may reach stdout, stderr, --json, the database file or any file
// Firebreak writes (check and deploy logs, the review, .eml, the status page).

import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeOccurrences, filesUnder, makeCanary, scanCanaries, type Canary } from "../helpers/canary.js";
import { firebreak, type CliResult } from "../helpers/cli.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { MailServer, Receivers } from "../announce/receivers.js";
import { makeService, type Service } from "../ship/fixture.js";

const TICKET = "ENG-4242";

describe("canary secrets in every setting", () => {
  const rx = new Receivers();
  const mail = new MailServer({ echoAuth: true });
  let fx: GitFixture;
  let svc: Service;
  const outputs: Record<string, string> = {};
  let canaries: Canary[] = [];
  let env: Record<string, string> = {};

  const cli = async (args: string[]): Promise<CliResult> => {
    const r = await firebreak(fx.work, args, { env, timeoutMs: 90_000 });
    const name = args.join(" ");
    outputs[`stdout of ${name}`] = (outputs[`stdout of ${name}`] ?? "") + r.stdout;
    outputs[`stderr of ${name}`] = (outputs[`stderr of ${name}`] ?? "") + r.stderr;
    return r;
  };
  const ok = async (args: string[]) => {
    const r = await cli(args);
    expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
    return r;
  };

  beforeAll(async () => {
    await rx.start();
    await mail.start();
    fx = makeRepo();
    svc = await makeService(fx.root);
    const slack = makeCanary("CHAT_URL_SLACK", (core) => `${rx.url}/slack/hook/T0CANARY/B0CANARY/${core}`);
    const teams = makeCanary("TEAMS_ENDPOINT", (core) => `${rx.url}/teams/webhookb2/${core}/IncomingWebhook/x`);
    const hook = makeCanary("GENERIC_ENDPOINT", (core) => `${rx.url}/hook/${core}`);
    const hookToken = makeCanary("HOOK_AUTH");
    const statuspage = makeCanary("SP_KEY");
    const smtp = makeCanary("SMTP_PASSWORD");
    const github = makeCanary("GITHUB_TOKEN", (core) => `ghp_${core}`);
    const deploy = makeCanary("DEPLOY_TOKEN", (core) => `Bearer ${core}`);
    canaries = [slack, teams, hook, hookToken, statuspage, smtp, github, deploy];
    env = { ...Object.fromEntries(canaries.map((c) => [c.name, c.value])), FIREBREAK_NOW: "2026-03-02T10:00:00Z" };
    // Every receiver refuses, echoing what it was sent: the path, the headers and the body.
    rx.echoErrors("/slack/", 404);
    rx.echoErrors("/teams/", 400);
    rx.echoErrors("/hook/", 500);
    rx.echoErrors("/statuspage/", 422);

    const config = `checks:
  test: "sh leaky-test.sh"
deploy:
  production:
    type: command
    command: ${JSON.stringify(`sh leaky-deploy.sh && ${svc.deployCommand}`)}
    status: ${JSON.stringify(svc.statusCommand)}
notify:
  timeoutSeconds: 3
  maxRetryWaitSeconds: 1
  slack:
    webhook: env:CHAT_URL_SLACK
  teams:
    webhook: env:TEAMS_ENDPOINT
  statuspage:
    apiKey: env:SP_KEY
    pageId: page1
    components: [cmpapi]
    apiUrl: ${rx.url}/statuspage/v1
  staticPage:
    dir: ${fx.root}/status-site
    title: Acme status
  email:
    from: "Acme Status <status@acme.test>"
    recipientsFile: ${fx.root}/recipients.txt
    smtp: { host: 127.0.0.1, port: ${mail.port}, secure: false, user: mailer@acme.test, password: env:SMTP_PASSWORD }
  webhook:
    url: env:GENERIC_ENDPOINT
    token: env:HOOK_AUTH
`;
    // A test that prints secrets from the environment, whole and in part; a deploy that prints
    // its token without the "Bearer " it was given with.
    const leakyTest = `echo "token: $GITHUB_TOKEN"
echo "smtp: $SMTP_PASSWORD"
echo "posting to $CHAT_URL_SLACK"
echo "Cannot POST \${CHAT_URL_SLACK#*127.0.0.1:*/}"
printf 'half of it: %s' "$(printf %s "$GITHUB_TOKEN" | cut -c1-20)"; sleep 0.2; printf '%s\\n' "$(printf %s "$GITHUB_TOKEN" | cut -c21-)"
echo "basic: $(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 | tr -d '\\n')"
`;
    const leakyDeploy = `echo "authenticating with \${DEPLOY_TOKEN#Bearer }"\necho "header: Authorization: $DEPLOY_TOKEN"\n`;
    fx.commit("chore: firebreak config", { ".firebreak.yml": config, "leaky-test.sh": leakyTest, "leaky-deploy.sh": leakyDeploy });
    fx.git("push", "-q", "origin", "main");
    writeFileSync(join(fx.root, "recipients.txt"), "ana@customer.test\nbo@customer.test\n");
    svc.start("v1.4.2");

    await ok(["start", TICKET, "Expired tokens accepted", "--priority", "P0"]);
    // Someone pastes what Slack answered into the impact note: it reaches the PR, the messages and the review.
    await ok(["note", "--impact", `Slack alerts fail: Cannot POST ${new URL(slack.value).pathname}`]);
    fx.write("src/auth.js", "export function check(t) {\n  return t.exp > Date.now() / 1000;\n}\n");
    fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\n');
    await ok(["check"]);
    await ok(["check", "--checks-only", "--json"]);
    fx.git("add", "-A");
    await ok(["commit", "--what", "expired tokens got 200", "--root-cause", "exp never compared with now"]);
    await ok(["pr"]);
    await ok(["approve", "--by", "Dana"]);
    await ok(["confirm", "oncall-notified"]);
    await ok(["confirm", "monitoring"]);
    await ok(["ship", "--json"]);
    await cli([
      "announce",
      "--stage",
      "investigating",
      "--public-title",
      "Sign-in problem",
      "--public-summary",
      "Some expired sessions could still open pages.",
      "--json",
    ]);
    await cli(["announce", "--stage", "identified"]);
    await ok(["log"]);
    await ok(["log", "--json"]);
    await ok(["log", "--verify"]);
    await ok(["status", "--json"]);
    await ok(["review", "--write", "--html"]);
    await ok(["announce", "--stage", "monitoring", "--preview", "--out", "previews"]);
  }, 300_000);

  afterAll(async () => {
    svc?.stop();
    await rx.stop();
    await mail.stop();
    fx?.cleanup();
  });

  it("the secrets really were used and echoed: the receivers saw them and refused", () => {
    const seen = JSON.stringify(rx.requests);
    for (const name of ["CHAT_URL_SLACK", "TEAMS_ENDPOINT", "GENERIC_ENDPOINT", "HOOK_AUTH", "SP_KEY"]) {
      expect(seen, name).toContain(canaries.find((c) => c.name === name)!.core);
    }
    expect(mail.messages).toHaveLength(0); // the login was refused
    expect(outputs[Object.keys(outputs).find((k) => k.startsWith("stdout of announce --stage investigating")) ?? ""]).toMatch(
      /"failed"|"possibly-sent"/,
    );
    expect(svc.deploys()).toHaveLength(1);
  });

  it("what goes out to the services carries no secret in its body", () => {
    const bodies = Object.fromEntries(
      rx.requests.map((r, i) => [`body of request ${i + 1} (${r.method} to ${r.path.slice(0, 12)}…)`, r.body]),
    );
    expect(Object.keys(bodies).length).toBeGreaterThan(3);
    expect(Object.values(bodies).join("")).toContain("Slack alerts fail: Cannot POST ****");
    const found = scanCanaries(canaries, { strings: bodies });
    expect(found, describeOccurrences(found)).toEqual([]);
  });

  it("no form of any canary is in stdout, stderr or --json of any command", () => {
    const found = scanCanaries(canaries, { strings: outputs });
    expect(found, describeOccurrences(found)).toEqual([]);
  });

  it("no form of any canary is in the database file or any file written (logs, review, .eml, status page, .git)", () => {
    const written = filesUnder(fx.root).filter((f) => !f.endsWith(".sh"));
    expect(written.some((f) => f.endsWith("firebreak.db"))).toBe(true);
    expect(written.some((f) => /logs\/.*test\.log$/.test(f))).toBe(true);
    expect(written.some((f) => /logs\/.*\.log$/.test(f) && !f.includes("test.log"))).toBe(true); // the deploy log
    expect(written.some((f) => f.endsWith(`${TICKET}.md`))).toBe(true);
    expect(written.some((f) => f.includes("status-site"))).toBe(true);
    expect(written.some((f) => f.includes("previews"))).toBe(true);
    const found = scanCanaries(canaries, { files: written });
    expect(found, describeOccurrences(found)).toEqual([]);
  });

  it("check and deploy logs can be read by their owner only", () => {
    const logs = filesUnder(fx.root).filter((f) => /firebreak\/logs\/.*\.log$/.test(f));
    expect(logs.length).toBeGreaterThan(1);
    for (const f of logs) expect(statSync(f).mode & 0o077, f).toBe(0);
  });
});

describe("a database URL as a canary", () => {
  let fx: GitFixture;
  let base = "";
  const schema = `fbcanary_${randomBytes(6).toString("hex")}`;

  beforeAll(async () => {
    fx = makeRepo();
    for (const user of ["root", "postgres"]) {
      const c = new pg.Client({ connectionString: `postgres://${user}@127.0.0.1:5432/test` });
      try {
        await c.connect();
        base = `${user}@127.0.0.1:5432`;
        break;
      } catch {
        /* the next */
      } finally {
        await c.end().catch(() => undefined);
      }
    }
    expect(base, "PostgreSQL on 127.0.0.1:5432").not.toBe("");
  });
  afterAll(async () => {
    const c = new pg.Client({ connectionString: `postgres://${base}/test` });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
    fx?.cleanup();
  });

  it("is never printed, even when the server's error names the database, nor stored", async () => {
    const password = makeCanary("FIREBREAK_DATABASE_URL");
    const [user, host] = base.split("@");
    const good = `postgres://${user}:${password.core}@${host}/test`;
    const outputs: Record<string, string> = {};
    const run = async (args: string[], url: string) => {
      const r = await firebreak(fx.work, args, { env: { FIREBREAK_DATABASE_URL: url, FIREBREAK_DATABASE_SCHEMA: schema } });
      outputs[`stdout of ${args.join(" ")} (${url === good ? "good" : "bad"} URL)`] = r.stdout;
      outputs[`stderr of ${args.join(" ")} (${url === good ? "good" : "bad"} URL)`] = r.stderr;
      return r;
    };
    // The title pastes the URL (it happens at 3 a.m.): the record keeps it masked.
    const started = await run(["start", "ENG-7", `Checkout down, DB at ${good}`, "--priority", "P2", "--json"], good);
    expect(started.code, started.stderr).toBe(0);
    expect((await run(["log", "--json"], good)).code).toBe(0);
    // A database that does not exist: PostgreSQL's error names it, which is the URL's last segment.
    // Where the URL points is not its secret: the refusal names the database, never the password.
    const missing = makeCanary("DATABASE_NAME");
    const bad = `postgres://${user}:${password.core}@${host}/${missing.core}`;
    const failed = await run(["status", "--json"], bad);
    expect(failed.code).not.toBe(0);
    expect(failed.json().error.message).toContain(`${host}/${missing.core}`);

    const c = new pg.Client({ connectionString: `postgres://${base}/test` });
    await c.connect();
    const rows: string[] = [];
    try {
      for (const t of ["incidents", "timeline_events", "effects"])
        rows.push(JSON.stringify((await c.query(`select * from "${schema}"."${t}"`)).rows));
    } finally {
      await c.end();
    }
    expect(rows.join("")).toContain("Checkout down");
    const found = scanCanaries([password], {
      strings: { ...outputs, "the database rows": rows.join("\n") },
    });
    expect(found, describeOccurrences(found)).toEqual([]);
  });
});
