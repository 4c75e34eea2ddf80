// Offline end to end: pr → approve on the git forge, and a re-run that never opens a second PR.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import { makeRepo, gitIn, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

let fx: GitFixture;

beforeEach(async () => {
  fx = makeRepo();
  fx.commit("chore: config", {
    ".firebreak.yml": 'checks:\n  test: "node -e 0"\npr:\n  titleFormat: "[HOTFIX][{{priority}}] {{ticket}}: {{title}}"\n',
  });
  fx.git("push", "-q", "origin", "main");
  expect((await firebreak(fx.work, ["start", "ENG-1234", "Expired tokens accepted", "--priority", "P1"])).code).toBe(0);
  fx.write(
    "src/auth.js",
    "export function check(t) {\n  // ENG-1234: exp was never compared with now\n  return t.exp > Date.now() / 1000;\n}\n",
  );
  fx.write("test/auth.test.js", 'it("rejects an expired token", () => {});\n');
  expect((await firebreak(fx.work, ["check"])).code).toBe(0);
  await firebreak(fx.work, ["confirm", "reproduced"]);
  expect((await firebreak(fx.work, ["note", "--impact", "every user with an expired session kept access"])).code).toBe(0);
  fx.git("add", "-A");
  expect(
    (await firebreak(fx.work, ["commit", "--what", "expired tokens got 200", "--root-cause", "exp never compared with now"])).code,
  ).toBe(0);
});
afterEach(() => fx.cleanup());

describe("firebreak pr (git forge)", () => {
  it("the body reads as written for people: a confirmation said once, times in UTC words", async () => {
    expect((await firebreak(fx.work, ["confirm", "reproduced", "--note", "expired token gets 200"])).code).toBe(0);
    const r = await firebreak(fx.work, ["pr", "--dry-run", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const body: string = r.json().body;
    expect(body).toContain("Reproduced the issue: expired token gets 200");
    expect(body).not.toContain("the issue was reproduced");
    expect(body).toMatch(/discovered \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · deadline \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(body).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d{3}Z/);
  });

  it("--dry-run prints title, labels and body and changes nothing", async () => {
    const r = await firebreak(fx.work, ["pr", "--dry-run", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const plan = r.json();
    expect(plan.title).toBe("[HOTFIX][P1] ENG-1234: Expired tokens accepted");
    expect(plan.labels).toEqual(expect.arrayContaining(["release", "hotfix", "P1"]));
    expect(plan.body).toContain("exp never compared with now");
    expect(gitIn(fx.origin, ["rev-parse", "hotfix/ENG-1234-expired-tokens-accepted"])).not.toBe(fx.git("rev-parse", "HEAD"));
  });

  it("pushes, records the PR with a body from the record, and approve records the review", async () => {
    const r = await firebreak(fx.work, ["pr", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { pr, opened } = r.json();
    expect(opened).toBe(true);
    expect(gitIn(fx.origin, ["rev-parse", pr.head])).toBe(fx.git("rev-parse", "HEAD"));
    // The body ticks only what the record proves.
    expect(pr.body).toMatch(/- \[x\] .*test/);
    expect(pr.body).toMatch(/- \[x\] .*reproduced/i);
    expect(pr.body).toMatch(/- \[ \] .*edge cases/i);
    expect(pr.body).toContain("test/auth.test.js");
    expect(pr.body).toContain("rejects an expired token");
    expect(pr.body).toContain("every user with an expired session kept access");
    const file = join(fx.work, ".git", "firebreak", "prs", "ENG-1234.md");
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, "utf8")).toContain("## Root Cause");

    const again = await firebreak(fx.work, ["pr", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().opened).toBe(false);
    expect(again.json().pr.number).toBe(pr.number);

    const a = await firebreak(fx.work, ["approve", "--by", "Dana", "--note", "LGTM"]);
    expect(a.code, a.stderr).toBe(0);
    const s = (await firebreak(fx.work, ["status", "--json"])).json();
    expect(s.incident.data.pr.number).toBe(pr.number);
    const state = (id: string) => s.checklist.find((i: { id: string }) => i.id === id)?.state;
    expect(state("pr")).toBe("done");
    expect(state("approval")).toBe("done");
    const log = (await firebreak(fx.work, ["log", "--json"])).json();
    expect(log.events.filter((e: { kind: string }) => e.kind === "pr.opened")).toHaveLength(1);
    expect(log.events.find((e: { kind: string }) => e.kind === "review.approved").data).toMatchObject({ by: "Dana", note: "LGTM" });
  });

  it("approve without --by names the flag", async () => {
    const r = await firebreak(fx.work, ["approve"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--by");
  });

  it("an update killed after the forge took it: the re-run settles it from the PR, leaving no journal row unfinished", async () => {
    expect((await firebreak(fx.work, ["pr"])).code).toBe(0);
    // A new fact changes the PR body: the next pr updates it, under a key named after the new text.
    expect((await firebreak(fx.work, ["note", "--impact", "every user with an expired session kept access for 3 hours"])).code).toBe(0);
    const plan = (await firebreak(fx.work, ["pr", "--dry-run", "--json"])).json();
    const key = `pr.update:${createHash("sha256").update(`${plan.title}\0${plan.body}`).digest("hex").slice(0, 12)}`;
    const killed = await firebreak(fx.work, ["pr"], { env: { FIREBREAK_CRASH_AT: `${key}:after-perform` } });
    expect(killed.signal, killed.stderr).toBe("SIGKILL");

    const again = await firebreak(fx.work, ["pr"]);
    expect(again.code, again.stderr).toBe(0);
    const db = new Database(join(fx.work, ".git", "firebreak", "firebreak.db"), { readonly: true });
    try {
      expect(db.prepare("select state from effects where key = ?").get(key)).toEqual({ state: "done" });
    } finally {
      db.close();
    }
    const updated = (await firebreak(fx.work, ["log", "--json"])).json().events.filter((e: { kind: string }) => e.kind === "pr.updated");
    expect(updated).toEqual([expect.objectContaining({ data: expect.objectContaining({ key, reconciled: true }) })]);
  });
});
