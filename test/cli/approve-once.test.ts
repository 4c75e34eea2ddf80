// `firebreak approve` is recorded once per approver and commit: a repeat says so and adds nothing;
// an approval of a later commit is a new one.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak } from "../helpers/cli.js";

let fx: GitFixture;

async function commitFix(what: string) {
  fx.git("add", "-A");
  const c = await firebreak(fx.work, ["commit", "--what", what, "--root-cause", "exp never compared with now"]);
  expect(c.code, c.stderr).toBe(0);
}

beforeEach(async () => {
  fx = makeRepo();
  fx.commit("chore: config", { ".firebreak.yml": 'checks:\n  test: "node -e 0"\n' });
  fx.git("push", "-q", "origin", "main");
  expect((await firebreak(fx.work, ["start", "ENG-12", "Expired tokens accepted", "--priority", "P1"])).code).toBe(0);
  fx.write("src/auth.js", "export const check = (t) => t.exp > Date.now() / 1000;\n");
  await commitFix("expired tokens got 200");
  const pr = await firebreak(fx.work, ["pr"]);
  expect(pr.code, pr.stderr).toBe(0);
});
afterEach(() => fx.cleanup());

const approvals = async () =>
  (await firebreak(fx.work, ["log", "--json"])).json().events.filter((e: { kind: string }) => e.kind === "review.approved");

describe("firebreak approve, twice", () => {
  it("the same person approving the same commit again is recorded once", async () => {
    const first = await firebreak(fx.work, ["approve", "--by", "Dana", "--note", "LGTM"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("Recorded Dana's approval");
    const second = await firebreak(fx.work, ["approve", "--by", "Dana", "--note", "LGTM again"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("already recorded");
    expect(second.stdout).not.toContain("Recorded Dana's approval");
    const list = await approvals();
    expect(list).toHaveLength(1);
    expect(list[0].data).toMatchObject({ by: "Dana", note: "LGTM" });
  });

  it("another person, or the same person on a later commit, is a new approval", async () => {
    expect((await firebreak(fx.work, ["approve", "--by", "Dana"])).code).toBe(0);
    expect((await firebreak(fx.work, ["approve", "--by", "Lee"])).code).toBe(0);
    fx.write("src/auth.js", "export const check = (t) => t.exp >= Date.now() / 1000;\n");
    await commitFix("boundary second too");
    expect((await firebreak(fx.work, ["pr"])).code).toBe(0);
    const again = await firebreak(fx.work, ["approve", "--by", "Dana"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Recorded Dana's approval");
    const list = await approvals();
    expect(list.map((e: { data: { by: string } }) => e.data.by)).toEqual(["Dana", "Lee", "Dana"]);
    expect(list[0].data.sha).not.toBe(list[2].data.sha);
  });
});
