// A ship killed after its deploy is recorded still owes the announcements notify.auto names: the
// re-run finishes them (never twice), and `status` names any that cannot be settled by looking,
// with the command that settles it. The webhook receiver and the status page folder are the witnesses.

import { afterEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeShipFixture, commandDeploy, type ShipFixture } from "./fixture.js";

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

const setup = async () => {
  const hook = await startReceiver();
  f = await makeShipFixture({
    config: (svc) =>
      commandDeploy(svc) +
      `notify:\n  auto: { ship: monitoring }\n  staticPage: { dir: status-site, title: "Acme status" }\n  webhook: { url: env:TEAM_HOOK }\n`,
  });
  // A P0's status page shows only what a person wrote for customers (the internal text never goes out).
  const kept = await f.cli(
    [
      "announce",
      "--preview",
      "--channel",
      "webhook",
      "--public-title",
      "Sign-in problem",
      "--public-summary",
      "Some expired sessions could still open pages.",
    ],
    { TEAM_HOOK: hook.url },
  );
  expect(kept.code, kept.stderr).toBe(0);
  return { hook, env: { TEAM_HOOK: hook.url }, page: join(f.fx.work, "status-site", "status.json") };
};

const stagesOnPage = (page: string): string[] =>
  existsSync(page)
    ? (JSON.parse(readFileSync(page, "utf8")) as { incidents: Array<{ updates: Array<{ stage: string }> }> }).incidents.flatMap((i) =>
        i.updates.map((u) => u.stage),
      )
    : [];

describe("a ship killed after the deploy is recorded", () => {
  it("killed as the first announcement starts: the re-run sends every announcement, once each", async () => {
    const { hook, env, page } = await setup();
    const killed = await f!.cli(["ship"], { ...env, FIREBREAK_CRASH_AT: "announce:monitoring:statuspage-static:after-intent" });
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    expect(f!.svc.deploys()).toHaveLength(1);
    expect(stagesOnPage(page)).toEqual([]);
    expect(hook.bodies).toHaveLength(0);

    const again = await f!.cli(["ship"], env);
    expect(again.code, again.stderr).toBe(0);
    expect(f!.svc.deploys()).toHaveLength(1);
    expect(stagesOnPage(page)).toEqual(["monitoring"]);
    expect(hook.bodies.map((b) => b.stage)).toEqual(["monitoring"]);
    const status = await f!.cli(["status"]);
    expect(status.stdout).not.toContain("unfinished");

    // A third run replays: nothing is sent twice.
    expect((await f!.cli(["ship"], env)).code).toBe(0);
    expect(hook.bodies).toHaveLength(1);
    expect(stagesOnPage(page)).toEqual(["monitoring"]);
  });

  it("killed during the webhook send: the re-run says it is possibly sent, and status shows it with the command that settles it", async () => {
    const { hook, env } = await setup();
    const killed = await f!.cli(["ship"], { ...env, FIREBREAK_CRASH_AT: "announce:monitoring:webhook:after-intent" });
    expect(killed.signal, killed.stderr).toBe("SIGKILL");

    // Before anything settles it, status says the send was cut off and what takes it up again.
    const cut = await f!.cli(["status"]);
    expect(cut.stdout).toContain("unfinished: announce:monitoring:webhook");
    expect(cut.stdout).toContain("firebreak announce --stage monitoring");

    const again = await f!.cli(["ship"], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/\? webhook: /);
    expect(again.stderr).toContain("--resend webhook");
    expect(hook.bodies).toHaveLength(0); // never sent blindly a second time

    const status = await f!.cli(["status", "--json"]);
    const notice = status.json().notices.find((n: { id: string }) => n.id === "unfinished-effect");
    expect(notice.text).toContain("possibly done, unconfirmed: announce:monitoring:webhook");
    expect(notice.command).toContain("firebreak announce --stage monitoring --ticket ENG-1234 --resend webhook");

    const resent = await f!.cli(["announce", "--stage", "monitoring", "--resend", "webhook"], env);
    expect(resent.code, resent.stderr).toBe(0);
    expect(hook.bodies).toHaveLength(1);
    expect((await f!.cli(["status", "--json"])).json().notices.filter((n: { id: string }) => n.id === "unfinished-effect")).toEqual([]);
  });
});
