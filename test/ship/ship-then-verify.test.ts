// After a production deploy, ship goes on by itself: it verifies what it deployed (when verify has
// smoke tests or metrics) and sends the announcements the team named in notify.auto, each once.

import { afterEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { makeShipFixture, commandDeploy, kindsOf, type ShipFixture } from "./fixture.js";

let f: ShipFixture | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  f?.cleanup();
  f = undefined;
  if (receiver) await new Promise<void>((r) => receiver!.close(() => r()));
  receiver = undefined;
});

async function startReceiver(): Promise<{ url: string; bodies: Array<Record<string, unknown>> }> {
  const bodies: Array<Record<string, unknown>> = [];
  receiver = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      bodies.push(JSON.parse(text) as Record<string, unknown>);
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, "127.0.0.1", r));
  const a = receiver.address();
  return { url: `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}/hook`, bodies };
}

describe("ship, then verify and announce", () => {
  it("verifies the new version and announces monitoring, then resolved, once each", async () => {
    const hook = await startReceiver();
    f = await makeShipFixture({
      config: (svc) =>
        commandDeploy(svc) +
        `verify:
  baseUrl: { production: "http://127.0.0.1:${svc.port}" }
  smoke:
    - { name: version answers, url: /version, expectStatus: 200 }
notify:
  auto: { ship: monitoring, verify: resolved }
  webhook: { url: env:TEAM_HOOK }
`,
    });
    const env = { TEAM_HOOK: hook.url };
    const r = await f.cli(["ship"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(await f.svc.version()).toBe("v1.4.3");
    expect(r.stdout).toContain("Verified ENG-1234 on production");
    const kinds = await kindsOf(f);
    expect(kinds).toContain("verify.production.verified");
    expect(kinds.filter((k) => k === "announce.sent")).toHaveLength(2);
    expect(kinds).toContain("announce.resolved");
    expect(hook.bodies.map((b) => b.stage)).toEqual(["monitoring", "resolved"]);
    // The webhook's URL is a secret: never on screen.
    expect(r.stdout + r.stderr).not.toContain(hook.url);

    // A second ship replays the deploy: no second verify, no second message.
    const again = await f.cli(["ship"], env);
    expect(again.code, again.stderr).toBe(0);
    expect(hook.bodies).toHaveLength(2);
    expect((await kindsOf(f)).filter((k) => k === "verify.production.verified")).toHaveLength(1);

    // Verifying again later keeps the incident resolved and never suggests telling people twice.
    expect((await f.cli(["status", "--json"])).json().incident.status).toBe("resolved");
    const later = await f.cli(["verify", "--stop-at-verdict"], env);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout).not.toContain("firebreak announce --stage resolved");
    expect((await f.cli(["status", "--json"])).json().incident.status).toBe("resolved");
    expect(hook.bodies).toHaveLength(2);
  });

  it("with nothing configured to verify, says so and names what to add instead of sending the person to a verify that would refuse", async () => {
    f = await makeShipFixture({ config: (svc) => commandDeploy(svc) });
    const r = await f.cli(["ship"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Nothing is configured to verify production with (verify.smoke, verify.metrics)");
    expect(r.stdout).toContain("Next: add verify.smoke and verify.metrics to .firebreak.yml (docs/verify.md), then: firebreak verify");
  });

  it("--no-verify deploys and stops there", async () => {
    f = await makeShipFixture({
      config: (svc) =>
        commandDeploy(svc) +
        `verify:\n  baseUrl: { production: "http://127.0.0.1:${svc.port}" }\n  smoke:\n    - { name: version answers, url: /version }\n`,
    });
    const r = await f.cli(["ship", "--no-verify"]);
    expect(r.code, r.stderr).toBe(0);
    expect(await kindsOf(f)).not.toContain("verify.production.verified");
    expect(r.stdout).toContain("Next: firebreak verify");
    // The incident is shipped: `pr` says so and names a new incident or --reopen, pushing nothing.
    const pr = await f.cli(["pr"]);
    expect(pr.code).toBe(4);
    expect(pr.stderr).toContain("ENG-1234 is shipped");
    expect(pr.stderr).toContain("firebreak pr --reopen -t ENG-1234");
  });
});
