// Production is shared by every incident. ENG-1234 shipped v1.4.3, then ENG-1235 shipped v1.4.4:
// rolling ENG-1234 back to "the release before it" would put v1.4.2 over v1.4.4 and take
// ENG-1235's fix out too, so it is refused with the incident to roll back first. A revert of
// ENG-1234's merge alone is built on what production runs, and keeps ENG-1235's fix.

import { afterEach, describe, expect, it } from "vitest";
import { gitIn } from "../helpers/git-fixture.js";
import { commandDeploy, makeShipFixture, TICKET, type Service, type ShipFixture } from "./fixture.js";

const NEWER = "ENG-1235";

let f: ShipFixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

/** ENG-1234 shipped as v1.4.3, then ENG-1235 (another file) shipped as v1.4.4. */
async function twoShipped(config?: (svc: Service) => string): Promise<ShipFixture> {
  const fx = await makeShipFixture(config ? { config } : {});
  f = fx;
  const ok = async (args: string[]) => {
    const r = await fx.cli(args);
    expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
    return r;
  };
  await ok(["ship"]);
  expect(await fx.svc.version()).toBe("v1.4.3");

  await ok(["start", NEWER, "Checkout rejects valid cards", "--priority", "P0"]);
  fx.fx.write("src/cards.js", "export function valid(n) {\n  return /^[0-9]{12,19}$/.test(n);\n}\n");
  fx.fx.write("test/cards.test.js", 'it("accepts a 19-digit card", () => {});\n');
  await ok(["check"]);
  fx.fx.git("add", "-A");
  await ok(["commit", "--what", "19-digit cards were refused", "--root-cause", "length capped at 16"]);
  await ok(["pr"]);
  await ok(["approve", "--by", "Dana"]);
  await ok(["confirm", "oncall-notified"]);
  await ok(["confirm", "monitoring"]);
  await ok(["ship"]);
  expect(await fx.svc.version()).toBe("v1.4.4");
  return fx;
}

describe("rollback of a release production no longer runs", () => {
  it("is refused, naming the newer incident; rolled back in order, each goes back as it should", async () => {
    const f = await twoShipped();
    const deploys = f.svc.deploys().length;

    const r = await f.cli(["rollback", TICKET, "--strategy", "previous", "--reason", "still failing"]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(`Production runs v1.4.4, shipped by ${NEWER}`);
    expect(r.stderr).toContain(`not ${TICKET}'s release v1.4.3; nothing was rolled back`);
    expect(r.stderr).toContain(`would deploy v1.4.2 over v1.4.4, and so undo ${NEWER}'s fix too`);
    expect(r.stderr).toContain(`firebreak rollback ${NEWER}`);
    expect(r.stderr).toContain(`firebreak status ${NEWER}`);
    const json = await f.cli(["rollback", TICKET, "--strategy", "previous", "--json"]);
    expect(json.code).toBe(4);
    expect(json.stdout + json.stderr).toContain("ROLLBACK_NOT_LATEST");
    // The dry run says so too, and nothing happened anywhere.
    expect((await f.cli(["rollback", TICKET, "--strategy", "previous", "--dry-run"])).code).toBe(4);
    expect(await f.svc.version()).toBe("v1.4.4");
    expect(f.svc.deploys()).toHaveLength(deploys);
    expect((await f.cli(["status", TICKET, "--json"])).json().incident.status).toBe("shipped");

    // The newer one first: production goes back to v1.4.3, which is ENG-1234's release again…
    const newer = await f.cli(["rollback", NEWER, "--strategy", "previous", "--reason", "cards broke again", "--json"]);
    expect(newer.code, newer.stderr).toBe(0);
    expect(newer.json().rollback).toMatchObject({ version: "v1.4.3" });
    expect(await f.svc.version()).toBe("v1.4.3");
    // …so ENG-1234 may now go back to v1.4.2.
    const older = await f.cli(["rollback", TICKET, "--strategy", "previous", "--reason", "still failing", "--json"]);
    expect(older.code, older.stderr).toBe(0);
    expect(older.json().rollback).toMatchObject({ version: "v1.4.2" });
    expect(await f.svc.version()).toBe("v1.4.2");
  });

  it("a revert of the older merge alone goes ahead and keeps the newer fix in production", async () => {
    const f = await twoShipped();
    const r = await f.cli(["rollback", TICKET, "--strategy", "revert", "--reason", "still failing", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().rollback).toMatchObject({ strategy: "revert", version: "v1.4.5" });
    expect(await f.svc.version()).toBe("v1.4.5");
    expect(gitIn(f.fx.origin, ["show", "v1.4.5:src/cards.js"])).toContain("{12,19}"); // ENG-1235's fix stays
    expect(gitIn(f.fx.origin, ["show", "v1.4.5:src/auth.js"])).not.toContain("Date.now()"); // ENG-1234's is gone
    expect((await f.cli(["status", TICKET, "--json"])).json().incident.status).toBe("rolled-back");
    expect((await f.cli(["status", NEWER, "--json"])).json().incident.status).toBe("shipped");
  });

  it("verify's automatic rollback does not roll back the older incident either: a person decides", async () => {
    const f = await twoShipped(
      (svc) =>
        commandDeploy(svc) +
        `verify:\n  baseUrl: { production: "http://127.0.0.1:${svc.port}" }\n  smoke:\n    - { name: version answers, url: /version }\n  autoRollback: { P0: true }\n`,
    );
    const deploys = f.svc.deploys().length;
    f.svc.stop(); // production stops answering: a regression for whoever verifies now
    const r = await f.cli(["verify", "-t", TICKET, "--json"]);
    expect(r.code, r.stderr).toBe(5);
    const out = r.json();
    expect(out.outcome ?? out.result?.outcome).toBe("regression");
    expect(JSON.stringify(out)).toContain(`not rolled back automatically: production now runs v1.4.4 from ${NEWER}`);
    expect(f.svc.deploys()).toHaveLength(deploys);
    expect((await f.cli(["status", TICKET, "--json"])).json().incident.status).not.toBe("rolled-back");
  });
});
