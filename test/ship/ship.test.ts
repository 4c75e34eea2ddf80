// firebreak ship on the offline git forge, end to end: gate, merge, tag, deploy through the team's
// command to a real service on 127.0.0.1, whose /version must answer the new tag.

import { afterEach, describe, expect, it } from "vitest";
import { gitIn } from "../helpers/git-fixture.js";
import { makeShipFixture, kindsOf, type ShipFixture } from "./fixture.js";

let f: ShipFixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

describe("firebreak ship (git forge, command deployer)", () => {
  it("merges, tags v1.4.3 on origin from v1.4.2, deploys, and /version answers v1.4.3", async () => {
    f = await makeShipFixture();
    const { fx, svc } = f;
    expect(await svc.version()).toBe("v1.4.2");

    const r = await f.cli(["ship", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out.outcome.tag).toBe("v1.4.3");
    expect(await svc.version()).toBe("v1.4.3");
    // The deploy command was shown before it ran, and its output streamed.
    expect(r.stderr).toContain(`$ ${svc.deployCommand}`);
    expect(r.stderr).toContain("│ deployed v1.4.3");

    const mergeSha = out.outcome.merge.sha;
    expect(gitIn(fx.origin, ["rev-parse", "main"])).toBe(mergeSha);
    expect(gitIn(fx.origin, ["rev-parse", "v1.4.3^{commit}"])).toBe(mergeSha);
    expect(gitIn(fx.origin, ["cat-file", "-t", "v1.4.3"])).toBe("tag"); // annotated
    expect(gitIn(fx.origin, ["tag", "-l", "--format=%(contents:subject)", "v1.4.3"])).toBe("Hotfix: Expired tokens accepted (ENG-1234)");
    expect(gitIn(fx.origin, ["rev-list", "--parents", "-n", "1", "main"]).split(" ")).toHaveLength(3); // a merge commit
    const deploys = svc.deploys();
    expect(deploys).toEqual([`v1.4.3 ${mergeSha} ENG-1234 production `]);

    const kinds = await kindsOf(f);
    for (const k of ["release.merged", "release.tagged", "deploy.production.done", "ci.green"]) expect(kinds).toContain(k);
    const s = (await f.cli(["status", "--json"])).json();
    expect(s.incident.status).toBe("shipped");
    expect(s.incident.data.release).toMatchObject({ tag: "v1.4.3", previous: "v1.4.2", mergeSha });
    expect(s.incident.data.deploys.production).toHaveLength(1);
    const state = (id: string) => s.checklist.find((i: { id: string }) => i.id === id)?.state;
    for (const id of ["ci-green", "merged", "tagged", "production-deployed", "monitoring"]) expect(state(id)).toBe("done");

    // Again: nothing is done twice.
    const again = await f.cli(["ship"]);
    expect(again.code, again.stderr).toBe(0);
    expect(svc.deploys()).toHaveLength(1);
    expect(gitIn(fx.origin, ["tag", "-l", "v1.4.*"]).split("\n")).toEqual(["v1.4.2", "v1.4.3"]);
    // The person's checkout was never touched.
    expect(fx.git("rev-parse", "--abbrev-ref", "HEAD")).toBe("hotfix/ENG-1234-expired-tokens-accepted");
    expect(fx.git("status", "--porcelain")).toBe("");
  });
});

const gateOf = (r: { json(): any }) =>
  Object.fromEntries(r.json().gate.items.map((i: { id: string; met: boolean; waived: boolean; command?: string }) => [i.id, i]));

describe("the deploy gate", () => {
  it("P1: lists each unmet item with the command that meets it, and a real run changes nothing", async () => {
    f = await makeShipFixture({ priority: "P1", ready: false });
    const before = gitIn(f.fx.origin, ["rev-parse", "main"]);
    const dry = await f.cli(["ship", "--dry-run", "--json"]);
    expect(dry.code).toBe(5);
    const g = gateOf(dry);
    expect(Object.keys(g)).toEqual(["pr", "approval", "ci-green", "staging-deployed", "staging-verified", "monitoring", "oncall-notified"]);
    expect(g["pr"].met && g["ci-green"].met).toBe(true);
    expect(g["approval"]).toMatchObject({ met: false, command: "firebreak approve --by <reviewer>" }); // no waiver at P1
    expect(g["staging-deployed"]).toMatchObject({
      met: false,
      command: "add deploy.staging to .firebreak.yml, then: firebreak ship --to staging",
    });
    expect(g["staging-verified"].met).toBe(false);
    expect(g["staging-verified"].command).toContain("firebreak verify --env staging");
    expect(g["oncall-notified"].command).toContain("firebreak confirm oncall-notified");

    const real = await f.cli(["ship", "--to", "production"]);
    expect(real.code).toBe(5);
    expect(real.stderr).toContain("cannot go to production yet: 5 gate item(s) unmet");
    expect(real.stderr).toContain("→ firebreak confirm monitoring");
    expect(gitIn(f.fx.origin, ["rev-parse", "main"])).toBe(before);
    expect(f.fx.git("tag", "-l")).toBe("v1.4.2");
    expect(f.svc.deploys()).toEqual([]);

    const waive = await f.cli(["waive", "approval", "--reason", "attack in progress"]);
    expect(waive.code).toBe(4);
    expect(waive.stderr).toContain("only a P0 may ship without an approval");
  });

  it("an approval counts for the commit it was given on: a fix commit pushed after it needs approving again", async () => {
    f = await makeShipFixture({ priority: "P1" });
    const before = await f.cli(["ship", "--dry-run", "--json"]);
    expect(gateOf(before)["approval"]).toMatchObject({ met: true, detail: "approved by Dana" });
    f.fx.write("src/auth.js", "export function check(t) {\n  return Number.isFinite(t.exp) && t.exp > Date.now() / 1000;\n}\n");
    f.fx.git("add", "-A");
    f.fx.git("commit", "-q", "-m", "fix: reject tokens without exp");
    f.fx.git("push", "-q", "origin", "HEAD");
    const stale = gateOf(await f.cli(["ship", "--dry-run", "--json"]))["approval"];
    expect(stale.met).toBe(false);
    expect(stale.detail).toMatch(/^approved by Dana at [0-9a-f]{12}, before the latest commit [0-9a-f]{12}: it needs approving again$/);
    expect(stale.command).toContain("firebreak approve --by <reviewer>");
    const again = await f.cli(["approve", "--by", "Dana"]);
    expect(again.stdout).toContain(`at ${f.fx.git("rev-parse", "HEAD").slice(0, 12)}`);
    expect(gateOf(await f.cli(["ship", "--dry-run", "--json"]))["approval"]).toMatchObject({ met: true });
  });

  it("P0: no staging; the approval can be waived, with who and why on the record", async () => {
    f = await makeShipFixture({ priority: "P0", ready: false });
    await f.cli(["confirm", "oncall-notified"]);
    await f.cli(["confirm", "monitoring"]);
    const dry = await f.cli(["ship", "--dry-run", "--json"]);
    expect(dry.code).toBe(5);
    const g = gateOf(dry);
    expect(Object.keys(g)).not.toContain("staging-deployed");
    expect(g["approval"].command).toContain('firebreak waive approval --reason "<why>"');

    expect((await f.cli(["waive", "approval"])).code).toBe(2); // a reason is required
    const w = await f.cli(["waive", "approval", "--reason", "active exploitation; Dana reviews after"]);
    expect(w.code, w.stderr).toBe(0);
    const after = await f.cli(["ship", "--dry-run", "--json"]);
    expect(after.code, after.stderr).toBe(0);
    expect(gateOf(after)["approval"]).toMatchObject({ met: true, waived: true });
    expect(after.json().tag).toBe("v1.4.3");
    const log = (await f.cli(["log", "--json"])).json();
    expect(log.events.find((e: { kind: string }) => e.kind === "approval.waived")).toMatchObject({
      actor: "tester",
      data: { by: "tester", reason: "active exploitation; Dana reviews after" },
    });
    const s = (await f.cli(["status", "--json"])).json();
    expect(s.incident.data.waivers).toEqual([expect.objectContaining({ item: "approval", by: "tester" })]);
    expect(s.checklist.find((i: { id: string }) => i.id === "approval").state).toBe("waived");
    // The dry run merged, tagged and deployed nothing.
    expect(f.fx.git("ls-remote", "--tags", "origin")).not.toContain("v1.4.3");
    expect(f.svc.deploys()).toEqual([]);
  });

  it("P2: staging first (a candidate of the coming version), then production once staging is verified", async () => {
    f = await makeShipFixture({
      priority: "P2",
      config: (svc) =>
        `deploy:\n  staging:\n    type: command\n    command: ${JSON.stringify(svc.deployCommand)}\n  production:\n    type: command\n    command: ${JSON.stringify(svc.deployCommand)}\n    status: ${JSON.stringify(svc.statusCommand)}\n`,
    });
    const head = f.fx.git("rev-parse", "HEAD");
    const staging = await f.cli(["ship", "--json"]);
    expect(staging.code, staging.stderr).toBe(0);
    expect(staging.json().outcome).toMatchObject({ env: "staging", version: `v1.4.3-rc.g${head.slice(0, 7)}`, merge: null, tag: null });
    expect(await f.svc.version()).toBe(`v1.4.3-rc.g${head.slice(0, 7)}`);
    expect(f.fx.git("ls-remote", "--tags", "origin")).not.toContain("v1.4.3"); // nothing merged or tagged yet

    const blocked = await f.cli(["ship", "--dry-run", "--json"]);
    expect(blocked.json().env).toBe("production");
    expect(
      Object.entries(gateOf(blocked))
        .filter(([, i]) => !(i as { met: boolean }).met)
        .map(([id]) => id),
    ).toEqual(["staging-verified"]);

    // Verification on staging is another command's job; its event is what the gate reads.
    const { openStore } = await import("../../src/store/open-store.js");
    const store = await openStore({ sqlitePath: `${f.fx.work}/.git/firebreak/firebreak.db` });
    const inc = (await store.findByTicket("ENG-1234"))!;
    await store.appendEvent(inc.id, {
      at: new Date().toISOString(),
      actor: "tester",
      kind: "verify.staging.verified",
      data: { summary: "smoke tests passed on staging" },
    });
    await store.close();

    const prod = await f.cli(["ship", "--json"]);
    expect(prod.code, prod.stderr).toBe(0);
    expect(prod.json().outcome).toMatchObject({ env: "production", version: "v1.4.3", tag: "v1.4.3" });
    expect(await f.svc.version()).toBe("v1.4.3");
    expect(f.svc.deploys().map((l) => l.split(" ")[3])).toEqual(["staging", "production"]);
  });

  it("P2: staging counts only for the commit that ships, and a verification only after its staging deploy", async () => {
    f = await makeShipFixture({
      priority: "P2",
      config: (svc) =>
        `deploy:\n  staging:\n    type: command\n    command: ${JSON.stringify(svc.deployCommand)}\n  production:\n    type: command\n    command: ${JSON.stringify(svc.deployCommand)}\n    status: ${JSON.stringify(svc.statusCommand)}\n`,
    });
    const verifiedOnStaging = async () => {
      const { openStore } = await import("../../src/store/open-store.js");
      const store = await openStore({ sqlitePath: `${f!.fx.work}/.git/firebreak/firebreak.db` });
      const inc = (await store.findByTicket("ENG-1234"))!;
      await store.appendEvent(inc.id, {
        at: new Date().toISOString(),
        actor: "tester",
        kind: "verify.staging.verified",
        data: { summary: "smoke tests passed on staging" },
      });
      await store.close();
    };
    const first = f.fx.git("rev-parse", "HEAD");
    expect((await f.cli(["ship"])).code).toBe(0); // staging first
    await verifiedOnStaging();
    const ok = await f.cli(["ship", "--dry-run", "--json"]);
    expect(ok.code, ok.stderr).toBe(0);

    // A second commit on the hotfix branch: staging ran and verified the first one only.
    f.fx.write("src/auth.js", "export function check(t) {\n  return Number(t.exp) > Date.now() / 1000;\n}\n");
    expect((await f.cli(["check"])).code).toBe(0); // checks count only for the change they ran on
    f.fx.git("add", "-A");
    expect((await f.cli(["commit", "--brief", "compare exp as a number"])).code).toBe(0);
    f.fx.git("push", "-q", "origin", "HEAD");
    const second = f.fx.git("rev-parse", "HEAD");
    const blocked = await f.cli(["ship", "--to", "production", "--dry-run", "--json"]);
    expect(blocked.code).toBe(5);
    const g = gateOf(blocked);
    expect(g["staging-deployed"]).toMatchObject({ met: false, command: "firebreak ship --to staging" });
    expect(g["staging-deployed"].detail).toContain(`not the hotfix head ${second.slice(0, 12)}`);
    expect(g["staging-deployed"].detail).toContain(first.slice(0, 12));
    expect(g["staging-verified"].met).toBe(false);
    expect(gitIn(f.fx.origin, ["rev-parse", "main"])).not.toContain(second);

    expect(g["approval"].met).toBe(false); // Dana approved the first commit
    expect((await f.cli(["approve", "--by", "Dana"])).code).toBe(0);

    // Without --to, ship goes to staging again (for the new commit), then wants a new verification.
    const staging = await f.cli(["ship", "--json"]);
    expect(staging.code, staging.stderr).toBe(0);
    expect(staging.json().outcome).toMatchObject({ env: "staging", version: `v1.4.3-rc.g${second.slice(0, 7)}` });
    const unverified = await f.cli(["ship", "--dry-run", "--json"]);
    expect(unverified.code).toBe(5);
    expect(gateOf(unverified)["staging-deployed"].met).toBe(true);
    expect(gateOf(unverified)["staging-verified"]).toMatchObject({ met: false, command: "firebreak verify --env staging" });
    await verifiedOnStaging();
    const prod = await f.cli(["ship", "--json"]);
    expect(prod.code, prod.stderr).toBe(0);
    expect(prod.json().outcome).toMatchObject({ env: "production", tag: "v1.4.3" });
    expect(f.svc.deploys().map((l) => l.split(" ")[3])).toEqual(["staging", "staging", "production"]);
  });
});

describe("tags and hostile input", () => {
  it("refuses a tag that exists on another commit, never moves it, and ships under --tag", async () => {
    f = await makeShipFixture();
    const { fx } = f;
    // Someone tagged v1.4.3 on a commit production does not contain.
    fx.git("switch", "-q", "-c", "experiment", "main");
    const other = fx.commit("experiment");
    fx.git("tag", "-a", "v1.4.3", "-m", "someone else's");
    fx.git("push", "-q", "origin", "refs/tags/v1.4.3");
    fx.git("tag", "-d", "v1.4.3");
    fx.git("switch", "-q", "hotfix/ENG-1234-expired-tokens-accepted");
    const mainBefore = gitIn(fx.origin, ["rev-parse", "main"]);

    const r = await f.cli(["ship"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`The tag v1.4.3 already exists on origin on ${other.slice(0, 12)}`);
    expect(r.stderr).toContain("never moves a tag");
    expect(r.stderr).toContain("firebreak ship --tag <version>");
    expect(gitIn(fx.origin, ["rev-parse", "v1.4.3^{commit}"])).toBe(other);
    expect(gitIn(fx.origin, ["rev-parse", "main"])).toBe(mainBefore); // nothing merged
    expect(f.svc.deploys()).toEqual([]);

    const again = await f.cli(["ship", "--tag", "v1.4.4", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().outcome.tag).toBe("v1.4.4");
    expect(gitIn(fx.origin, ["rev-parse", "v1.4.3^{commit}"])).toBe(other);
    expect(await f.svc.version()).toBe("v1.4.4");
  });

  it("a hostile title only ever travels as data: tag message, merge message, deploy", async () => {
    const title = "Fix $(touch PWNED1) `touch PWNED2` \"; touch PWNED3; echo '";
    f = await makeShipFixture({ title });
    const r = await f.cli(["ship"]);
    expect(r.code, r.stderr).toBe(0);
    const { existsSync } = await import("node:fs");
    for (const dir of [f.fx.work, f.fx.root, f.svc.dir])
      for (const n of ["PWNED1", "PWNED2", "PWNED3"]) expect(existsSync(`${dir}/${n}`)).toBe(false);
    const cleaned = title.replace(/\s+/g, " ").trim();
    expect(gitIn(f.fx.origin, ["tag", "-l", "--format=%(contents:subject)", "v1.4.3"])).toBe(`Hotfix: ${cleaned} (ENG-1234)`);
    expect(await f.svc.version()).toBe("v1.4.3");
    const bad = await f.cli(["ship", "-t", "--upload-pack=touch PWNED4"]);
    expect(bad.code).not.toBe(0);
    expect(existsSync(`${f.fx.work}/PWNED4`)).toBe(false);
  });
});

describe("CI on the offline forge", () => {
  it("the post-incident review written into the work tree is not part of the fix: the guard and the checks leave it out", async () => {
    f = await makeShipFixture();
    const review = await f.cli(["review", "--write"]);
    expect(review.code, review.stderr).toBe(0);
    // Listed in .git/info/exclude: git add -A never picks it up, and git status stays quiet.
    expect(f.fx.git("status", "--porcelain", "--untracked-files=all")).not.toContain("docs/incidents");
    expect(f.fx.git("check-ignore", "docs/incidents/ENG-1234.md")).toBe("docs/incidents/ENG-1234.md");
    const check = await f.cli(["check", "--json"]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.json().guard.stats.files).toBe(1); // src/auth.js: the test file and the review are not counted
    // The checks vouch for the committed fix, not for fix + review: ship counts them.
    const dry = await f.cli(["ship", "--dry-run", "--json"]);
    expect(gateOf(dry)["ci-green"]).toMatchObject({ met: true });
  });

  it("checks that passed on an earlier change do not make a later commit green", async () => {
    f = await makeShipFixture();
    // A new commit after the checks ran: nobody checked this change.
    f.fx.write("src/auth.js", "export function check(t) {\n  return t.exp >= 0;\n}\n");
    f.fx.git("add", "-A");
    expect((await f.cli(["commit", "--brief", "loosen the check"])).code).toBe(0);
    f.fx.git("push", "-q", "origin", "HEAD");
    const blocked = await f.cli(["ship", "--dry-run", "--json"]);
    expect(blocked.code).toBe(5);
    expect(gateOf(blocked)["ci-green"]).toMatchObject({ met: false });
    expect(gateOf(blocked)["ci-green"].detail).toContain("different change");
    expect(gateOf(blocked)["approval"].met).toBe(false); // nor did anyone review it
    const rechecked = await f.cli(["check"]);
    expect(rechecked.code, rechecked.stdout + rechecked.stderr).toBe(0);
    expect((await f.cli(["approve", "--by", "Dana"])).code).toBe(0);
    expect((await f.cli(["ship", "--dry-run"])).code).toBe(0);
  });
});
