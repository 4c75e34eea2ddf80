// A P1 from triage to verified through the tools alone, on a real repository with a bare origin
// and two real services (staging, production) deployed by the team's deploy command. A person
// steps in only where the record needs one: the approval, on-call told, monitoring confirmed, and
// the confirmation of each deploy's plan (firebreak confirm-plan). Once on the clone's own record,
// and once on a running team server, where the agent holds an agent token and the person their own.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/server/log.js";
import { startServer, type RunningServer } from "../../src/server/serve.js";
import { token } from "../server/fixture.js";
import { firebreak } from "../helpers/cli.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { makeService, type Service } from "../ship/fixture.js";
import { closeAll, connect, textOf } from "./client.js";

let fx: GitFixture | undefined;
let server: { running: RunningServer; dir: string } | undefined;
const services: Service[] = [];
afterEach(async () => {
  await closeAll();
  for (const s of services.splice(0)) s.stop();
  fx?.cleanup();
  fx = undefined;
  if (server) {
    await server.running.close();
    rmSync(server.dir, { recursive: true, force: true });
    server = undefined;
  }
});

/** Where the record lives: the clone's own, or a team server with a token for the agent and one for the person. */
async function record(where: "own record" | "team server"): Promise<{ agent: Record<string, string>; person: Record<string, string> }> {
  if (where === "own record") return { agent: {}, person: {} };
  const dir = mkdtempSync(join(tmpdir(), "firebreak-mcp-server-"));
  const running = await startServer({ env: {}, sqlitePath: join(dir, "server.db"), host: "127.0.0.1", port: 0, log: silentLogger });
  server = { running, dir };
  const as = async (name: string, role: "responder" | "approver", kind: "agent" | "person") => ({
    FIREBREAK_SERVER: running.url,
    FIREBREAK_TOKEN: await token(running.storage, name, role, { kind }),
  });
  return { agent: await as("ci-agent", "responder", "agent"), person: await as("dana", "approver", "person") };
}

const deployer = (svc: Service) =>
  `    type: command\n    command: ${JSON.stringify(svc.deployCommand)}\n    status: ${JSON.stringify(svc.statusCommand)}\n`;

describe.each(["own record", "team server"] as const)("firebreak mcp: a P1 through tools (%s)", (where) => {
  it("goes from triage to verified in production with the agent's tools and a person's confirmations", async () => {
    fx = makeRepo();
    const env = await record(where);
    const staging = await makeService(join(fx.root, "staging"));
    const production = await makeService(fx.root);
    services.push(staging, production);
    fx.commit("chore: firebreak config", {
      ".firebreak.yml":
        `checks:\n  test: "node -e 0"\ndeploy:\n  staging:\n${deployer(staging)}  production:\n${deployer(production)}` +
        `verify:\n  baseUrl: { staging: "http://127.0.0.1:${staging.port}", production: "http://127.0.0.1:${production.port}" }\n` +
        `  smoke:\n    - { name: version answers, url: /version, expectStatus: 200 }\n`,
    });
    fx.git("push", "-q", "origin", "main");
    staging.start("v1.4.2");
    production.start("v1.4.2");
    const person = async (args: string[]) => {
      const r = await firebreak(fx!.work, args, { env: env.person });
      expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
    };

    const s = await connect(
      fx.work,
      ["--toolsets", "incident,fix,release,verify", "--allow", "incident,fix,release,verify"],
      {},
      env.agent,
    );
    const step = async (name: string, args: Record<string, unknown> = {}) => {
      const r = await s.call(name, args);
      expect(r.isError, `${name}: ${textOf(r)}`).toBeFalsy();
      return r.structuredContent as Record<string, any>;
    };

    const triaged = await step("incident_triage", { criteria: ["critical-feature-broken"] });
    expect(triaged).toMatchObject({ emergency: true, priority: "P1" });
    await step("incident_start", { ticket: "ENG-31", title: "Checkout fails for saved cards", priority: triaged.priority });
    fx.write("src/auth.js", "export function check(t) {\n  return t.exp > Date.now() / 1000;\n}\n");
    fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\n');
    expect((await step("fix_check")).ok).toBe(true);
    fx.git("add", "-A");
    await step("fix_commit", { what: "checkout failed", rootCause: "expiry compared the wrong way" });
    await step("fix_pr_apply", { planId: (await step("fix_pr_plan")).planId });

    // Staging first (P1), confirmed by a person like every deploy.
    const toStaging = await step("release_ship_plan", { to: "staging" });
    await person(["confirm-plan", toStaging.planId]);
    expect((await step("release_ship_apply", { planId: toStaging.planId })).status).toBe("shipped");
    expect((await step("verify_run", { env: "staging" })).outcome).toBe("verified");

    await person(["approve", "--by", "Dana"]);
    await person(["confirm", "oncall-notified"]);
    await person(["confirm", "monitoring"]);
    const toProduction = await step("release_ship_plan", { to: "production" });
    expect(toProduction.ready, JSON.stringify(toProduction.gate)).toBe(true);
    await person(["confirm-plan", toProduction.planId]);
    expect((await step("release_ship_apply", { planId: toProduction.planId })).status).toBe("shipped");
    expect(await production.version()).toBe("v1.4.3");
    expect((await step("verify_run")).outcome).toBe("verified");
    expect((await step("incident_status")).status).toBe("verified");
    if (server) {
      // On the server the token is the actor: the agent's steps in its name, the decisions in dana's.
      const incident = await server.running.storage.store.findByTicket("ENG-31");
      const events = await server.running.storage.store.timeline(incident!.id);
      expect(events.find((e) => e.kind === "commit.created")?.actor).toBe("ci-agent");
      expect(events.find((e) => e.kind === "review.approved")?.actor).toBe("dana");
      expect(events.filter((e) => e.kind === "plan.confirmed").map((e) => e.actor)).toEqual(["dana", "dana"]);
    }
  });
});
