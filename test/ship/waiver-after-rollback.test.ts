// A waiver covers the commit it was given for. A P0 shipped on a waived approval, rolled back, and
// fixed again on the same incident: the new commit was neither reviewed nor waived, so the gate
// stops it until someone approves it or waives the approval again for it.

import { afterEach, describe, expect, it } from "vitest";
import { makeShipFixture, type ShipFixture } from "./fixture.js";

let f: ShipFixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

const approvalItem = (r: {
  json(): { gate: { items: Array<{ id: string; met: boolean; waived: boolean; detail: string; command?: string }> } };
}) => r.json().gate.items.find((i) => i.id === "approval")!;

describe("a waiver after a rollback", () => {
  it("the first ship's waived approval does not let the new fix through; a waiver for the new commit does", async () => {
    f = await makeShipFixture({ ready: false }); // P0, no approval
    const ok = async (args: string[]) => {
      const r = await f!.cli(args);
      expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
      return r;
    };
    await ok(["waive", "approval", "--reason", "tokens are being replayed right now"]);
    await ok(["confirm", "oncall-notified"]);
    await ok(["confirm", "monitoring"]);
    await ok(["ship"]);
    expect(await f.svc.version()).toBe("v1.4.3");
    await ok(["rollback", "--strategy", "previous", "--reason", "still failing for some tokens"]);

    // A new fix on the same incident.
    f.fx.write("src/auth.js", 'export function check(t) {\n  return typeof t.exp === "number" && t.exp > Date.now() / 1000;\n}\n');
    f.fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\nit("rejects a token without exp", () => {});\n');
    await ok(["check"]);
    f.fx.git("add", "-A");
    await ok(["commit", "--brief", "reject tokens without exp"]);
    await ok(["pr"]);

    const gated = await f.cli(["ship", "--dry-run", "--json"]);
    expect(gated.code, gated.stderr).toBe(5);
    const item = approvalItem(gated);
    expect(item).toMatchObject({ met: false, waived: false });
    expect(item.detail).toContain("waived");
    expect(item.detail).toContain(f.fx.git("rev-parse", "HEAD").slice(0, 12));
    expect(item.command).toContain('firebreak waive approval --reason "<why>"');
    const refused = await f.cli(["ship"]);
    expect(refused.code).toBe(5);
    expect(await f.svc.version()).toBe("v1.4.2");

    // Waived again, for this commit: the gate lets it through.
    await ok(["waive", "approval", "--reason", "still being replayed; review after"]);
    const ready = await f.cli(["ship", "--dry-run", "--json"]);
    expect(ready.code, ready.stderr).toBe(0);
    expect(approvalItem(ready)).toMatchObject({ met: true, waived: true });
    expect(approvalItem(ready).detail).toContain("still being replayed");
  });
});
