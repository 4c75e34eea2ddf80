// The platform deployers through the CLI, each against a stand-in of its CLI on PATH: the argument
// array it builds, the token passed in the environment (never in argv, never printed), the
// deployment id and URL read from the documented output, the log file, and its own rollback.

import { afterEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { gitIn } from "../helpers/git-fixture.js";
import { makeShipFixture, type ShipFixture } from "./fixture.js";
import { makeStandIns, type StandIns } from "./standins.js";

let f: ShipFixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

const TOKEN = "tok_9f8e7d6c5b4a39281706";

async function setup(deploy: string, tokenVar: string): Promise<{ f: ShipFixture; s: StandIns; env: Record<string, string> }> {
  const fx = await makeShipFixture({ config: () => `deploy:\n  production:\n${deploy}`, running: null });
  f = fx;
  const s = makeStandIns(fx.fx.root);
  return { f: fx, s, env: s.env(tokenVar, TOKEN) };
}

async function ship(fx: ShipFixture, env: Record<string, string>) {
  const r = await fx.cli(["ship", "--json"], env);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout + r.stderr).not.toContain(TOKEN);
  const d = r.json().outcome.deployment;
  expect(existsSync(d.logFile)).toBe(true);
  expect(readFileSync(d.logFile, "utf8")).not.toContain(TOKEN);
  return { r, d, merge: r.json().outcome.merge.sha as string };
}

describe("platform deployers (stand-in CLIs)", () => {
  it("vercel: deploy --prod, URL from stdout, token from the environment; rollback with vercel rollback", async () => {
    const { f, s, env } = await setup(
      "    type: vercel\n    token: env:VERCEL_TOKEN\n    project: prj_123\n    org: team_456\n",
      "VERCEL_TOKEN",
    );
    const { d, merge } = await ship(f, env);
    const [deploy] = s.calls();
    expect(deploy).toMatchObject({
      program: "vercel",
      args: ["deploy", "--yes", "--prod", "--meta", "firebreakVersion=v1.4.3"],
      token: TOKEN,
      head: merge,
    });
    expect(deploy!.args.join(" ")).not.toContain(TOKEN);
    expect(d).toMatchObject({
      deployer: "vercel",
      url: "https://api-1abc-acme.vercel.app",
      id: "https://api-1abc-acme.vercel.app",
      version: "v1.4.3",
    });
    expect(readFileSync(d.logFile, "utf8")).toContain("Using token ****");

    const rb = await f.cli(["rollback", "--reason", "errors", "--json"], env);
    expect(rb.code, rb.stderr).toBe(0);
    expect(rb.json().rollback).toMatchObject({ strategy: "previous", version: "v1.4.2" });
    expect(s.calls()[1]).toMatchObject({ program: "vercel", args: ["rollback", "--timeout", "5m"], token: TOKEN });
  });

  it("netlify: deploy --json, deploy id and URL from its JSON; rollback restores the previous production deploy", async () => {
    const { f, s, env } = await setup("    type: netlify\n    site: site-1\n    dir: dist\n    build: false\n", "NETLIFY_AUTH_TOKEN");
    const { d } = await ship(f, env);
    expect(s.calls()[0]).toMatchObject({
      program: "netlify",
      args: ["deploy", "--json", "--prod", "--dir", "dist", "--no-build", "--message", "firebreak v1.4.3 (ENG-1234)"],
      token: TOKEN,
    });
    expect(d).toMatchObject({ id: "d-1", url: "https://acme.netlify.app" });

    const rb = await f.cli(["rollback", "--json"], env);
    expect(rb.code, rb.stderr).toBe(0);
    const restore = s.calls().find((c) => c.args[1] === "restoreSiteDeploy");
    expect(JSON.parse(restore!.args[3]!)).toEqual({ site_id: "site-1", deploy_id: "d-0" });
  });

  it("railway: up --ci, deployment id from the build logs URL; previous redeploys the previous tag's checkout", async () => {
    const { f, s, env } = await setup("    type: railway\n    service: api\n    environment: production\n", "RAILWAY_TOKEN");
    const { d, merge } = await ship(f, env);
    expect(s.calls()[0]).toMatchObject({
      program: "railway",
      args: ["up", "--ci", "--service", "api", "--environment", "production"],
      token: TOKEN,
      head: merge,
    });
    expect(d).toMatchObject({ id: "dep-1", url: "https://railway.com/project/p-1/service/s-1?id=dep-1&" });

    const rb = await f.cli(["rollback", "--strategy", "previous", "--json"], env);
    expect(rb.code, rb.stderr).toBe(0);
    expect(s.calls()[1]).toMatchObject({
      args: ["up", "--ci", "--service", "api", "--environment", "production"],
      head: gitIn(f.fx.origin, ["rev-parse", "v1.4.2^{commit}"]),
    });
  });

  it("elastic-beanstalk: eb deploy --label; status reconciles an interrupted deploy; rollback deploys the previous release's label", async () => {
    const { f, s, env } = await setup(
      "    type: elastic-beanstalk\n    environment: api-prod\n    region: us-east-1\n    accessKeyId: env:AWS_ACCESS_KEY_ID\n    secretAccessKey: env:AWS_SECRET_ACCESS_KEY\n",
      "AWS_ACCESS_KEY_ID",
    );
    const awsEnv = { ...env, AWS_SECRET_ACCESS_KEY: "secret-key-value-123456" };
    const killed = await f.cli(["ship"], { ...awsEnv, FIREBREAK_CRASH_AT: "deploy.production:v1.4.3:after-perform" });
    expect(killed.signal).toBe("SIGKILL");
    const { d, r } = await ship(f, awsEnv);
    expect(r.json().outcome.deployHow).toBe("reconciled");
    const deploys = s.calls().filter((c) => c.args[0] === "deploy");
    expect(deploys).toHaveLength(1); // the re-run asked `eb status` instead of deploying again
    expect(deploys[0]).toMatchObject({
      args: [
        "deploy",
        "api-prod",
        "--label",
        "v1.4.3",
        "--message",
        "firebreak v1.4.3 (ENG-1234)",
        "--timeout",
        "30",
        "--region",
        "us-east-1",
      ],
      token: TOKEN,
    });
    expect(d).toMatchObject({ version: "v1.4.3" });

    const rb = await f.cli(["rollback", "--json"], awsEnv);
    expect(rb.code, rb.stderr).toBe(0);
    // The interrupted run's deploy is known only from `eb status`, so the previous release's label is used.
    expect(
      s
        .calls()
        .filter((c) => c.args[0] === "deploy")
        .pop()!.args,
    ).toEqual(["deploy", "api-prod", "--version", "v1.4.2", "--timeout", "30", "--region", "us-east-1"]);
  });

  it("elastic-beanstalk: an uninterrupted deploy remembers the label it replaced, and rollback goes back to exactly that", async () => {
    const { f, s, env } = await setup("    type: elastic-beanstalk\n    environment: api-prod\n", "AWS_ACCESS_KEY_ID");
    const { d } = await ship(f, env);
    expect(d).toMatchObject({
      id: "v1.4.3",
      url: "http://api-prod.eba-abc123.us-east-1.elasticbeanstalk.com",
      replaced: "app-241101_000000",
    });
    const rb = await f.cli(["rollback"], env);
    expect(rb.code, rb.stderr).toBe(0);
    expect(
      s
        .calls()
        .filter((c) => c.args[0] === "deploy")
        .pop()!.args,
    ).toEqual(["deploy", "api-prod", "--version", "app-241101_000000", "--timeout", "30"]);
  });
});
