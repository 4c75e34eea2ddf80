// After a rollback, a new fix goes out as a new release: the old one stays on the record, the
// merge, tag and deploy are new (v1.4.3 was released and rolled back, so the new one is v1.4.4),
// and /version answers the new tag. With nothing new pushed, ship says what to do instead.

import { afterEach, describe, expect, it } from "vitest";
import { gitIn } from "../helpers/git-fixture.js";
import { kindsOf, makeShipFixture, type ShipFixture } from "./fixture.js";

let f: ShipFixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

async function shippedAndRolledBack(): Promise<ShipFixture> {
  const fx = await makeShipFixture();
  f = fx;
  const s = await fx.cli(["ship"]);
  expect(s.code, s.stderr).toBe(0);
  const r = await fx.cli(["rollback", "--strategy", "previous", "--reason", "still failing for some tokens"]);
  expect(r.code, r.stderr).toBe(0);
  expect(await fx.svc.version()).toBe("v1.4.2");
  return fx;
}

describe("ship after a rollback", () => {
  it("with nothing new since the rollback: refuses and says to push a new fix", async () => {
    const f = await shippedAndRolledBack();
    const r = await f.cli(["ship"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("rolled back");
    expect(r.stderr).toContain("firebreak commit");
    expect(r.stderr).toContain("firebreak pr");
    expect(r.stderr).not.toContain("already done by an earlier run");
    expect(await f.svc.version()).toBe("v1.4.2");
    expect(f.svc.deploys()).toHaveLength(2);
  });

  it("a new fix commit pushed: ship merges it, tags v1.4.4, deploys it; a re-run does nothing twice", async () => {
    const f = await shippedAndRolledBack();
    const { fx, svc } = f;
    const firstMerge = gitIn(fx.origin, ["rev-parse", "v1.4.3^{commit}"]);

    fx.write("src/auth.js", 'export function check(t) {\n  return typeof t.exp === "number" && t.exp > Date.now() / 1000;\n}\n');
    fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\nit("rejects a token without exp", () => {});\n');
    expect((await f.cli(["check"])).code).toBe(0);
    fx.git("add", "-A");
    const c = await f.cli(["commit", "--brief", "reject tokens without exp"]);
    expect(c.code, c.stderr).toBe(0);
    // The new fix gets a PR of its own: the first one was merged and rolled back.
    const pr = await f.cli(["pr", "--json"]);
    expect(pr.code, pr.stderr).toBe(0);
    expect(pr.json().pr.number).toBe(2);
    const head = fx.git("rev-parse", "HEAD");

    // Dana approved the first fix, not this commit: the gate wants it approved again.
    const unapproved = await f.cli(["ship", "--dry-run", "--json"]);
    expect(unapproved.code).toBe(5);
    const approval = unapproved.json().gate.items.find((i: { id: string }) => i.id === "approval");
    expect(approval).toMatchObject({ met: false });
    expect(approval.command).toContain("firebreak approve --by <reviewer>");
    expect((await f.cli(["approve", "--by", "Dana"])).code).toBe(0);

    const dry = await f.cli(["ship", "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json().tag).toBe("v1.4.4");

    const r = await f.cli(["ship", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out.outcome.tag).toBe("v1.4.4");
    expect(r.stderr).not.toContain("already done by an earlier run");
    const merge = out.outcome.merge.sha;
    expect(merge).not.toBe(firstMerge);
    expect(gitIn(fx.origin, ["rev-parse", "v1.4.4^{commit}"])).toBe(merge);
    expect(gitIn(fx.origin, ["rev-parse", "main"])).toBe(merge);
    expect(gitIn(fx.origin, ["merge-base", "--is-ancestor", head, "main"])).toBe("");
    expect(await svc.version()).toBe("v1.4.4");
    expect(svc.deploys().map((l) => l.split(" ").slice(0, 2).join(" "))).toEqual([
      `v1.4.3 ${firstMerge}`,
      expect.stringMatching(/^v1\.4\.2 /),
      `v1.4.4 ${merge}`,
    ]);

    const s = (await f.cli(["status", "--json"])).json();
    expect(s.incident.status).toBe("shipped");
    expect(s.incident.data.release).toMatchObject({ tag: "v1.4.4", after: "v1.4.3", previous: "v1.4.2", mergeSha: merge, head });
    expect(s.incident.data.releases).toEqual([expect.objectContaining({ tag: "v1.4.3", mergeSha: firstMerge })]);

    // Again: nothing is merged, tagged or deployed twice.
    const again = await f.cli(["ship"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toContain("v1.4.4");
    expect(svc.deploys()).toHaveLength(3);
    expect(gitIn(fx.origin, ["tag", "-l", "v1.4.*"]).split("\n")).toEqual(["v1.4.2", "v1.4.3", "v1.4.4"]);
    expect(gitIn(fx.origin, ["rev-list", "--merges", "main"]).split("\n")).toHaveLength(2);
    const kinds = await kindsOf(f);
    expect(kinds.filter((k) => k === "deploy.production.done")).toHaveLength(2);
    expect(kinds.filter((k) => k === "release.merged")).toHaveLength(2);

    // And it can be rolled back in turn: to what production ran before it (v1.4.2), not to the
    // release that was rolled back.
    const rb = await f.cli(["rollback", "--strategy", "previous", "--json"]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(rb.json().rollback).toMatchObject({ version: "v1.4.2" });
    expect(await svc.version()).toBe("v1.4.2");
  });

  it("killed right after the new merge: the re-run tags and deploys v1.4.4 once, without merging again", async () => {
    const f = await shippedAndRolledBack();
    const { fx, svc } = f;
    fx.write("src/auth.js", "export function check(t) {\n  return Number.isFinite(t.exp) && t.exp > Date.now() / 1000;\n}\n");
    expect((await f.cli(["check", "--checks-only"])).code).toBe(0); // checks count only for the change they ran on
    fx.git("add", "-A");
    expect((await f.cli(["commit", "--brief", "reject tokens without exp"])).code).toBe(0);
    fx.git("push", "-q", "origin", "HEAD");
    expect((await f.cli(["approve", "--by", "Dana"])).code).toBe(0); // the new commit's own approval
    const head = fx.git("rev-parse", "HEAD");
    const killed = await f.cli(["ship"], { FIREBREAK_CRASH_AT: `release.merge:#1@${head.slice(0, 12)}:after-perform` });
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    const again = await f.cli(["ship", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().outcome.tag).toBe("v1.4.4");
    expect(gitIn(fx.origin, ["rev-list", "--merges", "main"]).split("\n")).toHaveLength(2);
    expect(gitIn(fx.origin, ["rev-parse", "v1.4.4^{commit}"])).toBe(gitIn(fx.origin, ["rev-parse", "main"]));
    expect(svc.deploys().filter((l) => l.startsWith("v1.4.4 "))).toHaveLength(1);
    expect(await svc.version()).toBe("v1.4.4");
  });
});
