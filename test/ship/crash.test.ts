// kill -9 during ship at each effect in turn (FIREBREAK_CRASH_AT), then a plain re-run: one merge,
// one tag on the right commit, one deploy. The bare origin counts every ref update it receives
// and the deploy script counts every deploy: the world's own witnesses.

import { afterEach, describe, expect, it } from "vitest";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gitIn } from "../helpers/git-fixture.js";
import { kindsOf, makeShipFixture, type ShipFixture } from "./fixture.js";

let f: ShipFixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

function countPushes(fx: ShipFixture["fx"]): () => string[] {
  const log = join(fx.root, "pushes.log");
  const hook = join(fx.origin, "hooks", "post-receive");
  writeFileSync(hook, `#!/bin/sh\nwhile read old new ref; do echo "$ref" >> "${log}"; done\n`);
  chmodSync(hook, 0o755);
  return () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []);
}

const EFFECTS = ["release.merge:#1", "release.tag:v1.4.3", "release.push-tag:v1.4.3", "deploy.production:v1.4.3"];

describe("kill -9 during ship", () => {
  it.each(EFFECTS.flatMap((key) => ["after-intent", "after-perform"].map((point) => [key, point])))(
    "killed at %s %s: the re-run merges, tags and deploys once",
    async (key, point) => {
      f = await makeShipFixture();
      const pushes = countPushes(f.fx);
      const killed = await f.cli(["ship"], { FIREBREAK_CRASH_AT: `${key}:${point}` });
      expect(killed.signal, killed.stderr).toBe("SIGKILL");

      const again = await f.cli(["ship", "--json"]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain("no longer running"); // the dead run's lock was taken over
      const merge = again.json().outcome.merge.sha;

      expect(pushes().sort()).toEqual(["refs/heads/main", "refs/tags/v1.4.3"]);
      expect(gitIn(f.fx.origin, ["rev-list", "--merges", "main"]).split("\n")).toEqual([merge]);
      expect(gitIn(f.fx.origin, ["rev-parse", "main"])).toBe(merge);
      expect(gitIn(f.fx.origin, ["rev-parse", "v1.4.3^{commit}"])).toBe(merge);
      expect(f.svc.deploys()).toEqual([`v1.4.3 ${merge} ENG-1234 production `]);
      expect(await f.svc.version()).toBe("v1.4.3");

      const kinds = await kindsOf(f);
      for (const k of ["release.merged", "tag.created", "release.tagged", "deploy.production.done"])
        expect(
          kinds.filter((x) => x === k),
          k,
        ).toHaveLength(1);
      const log = await f.cli(["log", "--verify"]);
      expect(log.code, log.stderr).toBe(0);
    },
  );

  it("the re-run after a kill -9 says once that it took over the dead run's lock, naming both locks", async () => {
    f = await makeShipFixture();
    const killed = await f.cli(["ship"], { FIREBREAK_CRASH_AT: "release.merge:#1:after-intent" });
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    const again = await f.cli(["ship"]);
    expect(again.code, again.stderr).toBe(0);
    const lines = again.stderr.split("\n").filter((l) => l.includes("Took over"));
    expect(lines, again.stderr).toHaveLength(1);
    expect(lines[0]).toContain("env-production, incident-ENG-1234");
    expect(lines[0]).toContain("that process is no longer running");
  });

  it("a deploy nobody can confirm (no status command) asks the person, never redeploys silently", async () => {
    f = await makeShipFixture({
      config: (svc) => `deploy:\n  production:\n    type: command\n    command: ${JSON.stringify(svc.deployCommand)}\n`,
    });
    const killed = await f.cli(["ship"], { FIREBREAK_CRASH_AT: "deploy.production:v1.4.3:after-perform" });
    expect(killed.signal).toBe("SIGKILL");
    const asked = await f.cli(["ship"]);
    expect(asked.code).toBe(4);
    expect(asked.stderr).toContain("cannot be checked");
    expect(asked.stderr).toContain("firebreak ship --to production --confirm-deployed");
    expect(asked.stderr).toContain("firebreak ship --to production --redeploy");
    expect(f.svc.deploys()).toHaveLength(1);

    const confirmed = await f.cli(["ship", "--confirm-deployed"]);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(f.svc.deploys()).toHaveLength(1);
    const log = (await f.cli(["log", "--json"])).json();
    expect(log.events.find((e: { kind: string }) => e.kind === "deploy.production.done").data.confirmedBy).toBe("tester");
    expect((await f.cli(["status", "--json"])).json().incident.status).toBe("shipped");
  });
});
