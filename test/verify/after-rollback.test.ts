// verify after a rollback is about the version production went back to: it must not mark the
// incident verified (the fix was rolled back) nor roll back a second time.

import { afterEach, describe, expect, it } from "vitest";
import { makeShipFixture, commandDeploy, kindsOf, type ShipFixture } from "../ship/fixture.js";

let f: ShipFixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

describe("verify after a rollback", () => {
  it("records the rolled-back version's health and leaves the incident rolled back", async () => {
    f = await makeShipFixture({
      config: (svc) =>
        commandDeploy(svc) +
        `verify:\n  baseUrl: { production: "http://127.0.0.1:${svc.port}" }\n  smoke:\n    - { name: version answers, url: /version }\n`,
    });
    expect((await f.cli(["ship", "--no-verify"])).code).toBe(0);
    const rb = await f.cli(["rollback", "--strategy", "previous", "--reason", "bad responses up"]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(await f.svc.version()).toBe("v1.4.2");

    const r = await f.cli(["verify"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("After the rollback of ENG-1234 on production: the version production went back to is healthy");
    expect(r.stdout).not.toContain("Verified ENG-1234");
    expect(r.stdout).toContain("Next: fix it, then:");
    const kinds = await kindsOf(f);
    expect(kinds).toContain("verify.rollback.verified");
    expect(kinds).not.toContain("verify.production.verified");
    const events = (await f.cli(["log", "--json"])).json().events as Array<{ kind: string; data: { summary: string } }>;
    expect(events.find((e) => e.kind === "verify.rollback.verified")!.data.summary).toMatch(/^the rolled-back version v1\.4\.2 is healthy/);
    const s = (await f.cli(["status", "--json"])).json();
    expect(s.incident.status).toBe("rolled-back");
    expect(s.incident.data.verification.rollback.outcome).toBe("verified");
    expect(s.incident.data.verification.production).toBeUndefined();
    expect(s.checklist.find((i: { id: string }) => i.id === "verified").state).not.toBe("done");
  });
});
