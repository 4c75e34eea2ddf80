// Two incidents in progress and a branch that belongs to neither: the refusal's way on is the same
// command with --ticket, not a different command.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firebreak } from "../helpers/cli.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";

describe("a command that cannot tell which incident is meant", () => {
  let fx: GitFixture;
  beforeAll(async () => {
    fx = makeRepo();
    for (const [ticket, title] of [
      ["ENG-1", "cart totals wrong"],
      ["ENG-2", "login loops"],
    ]) {
      const r = await firebreak(fx.work, ["start", ticket!, title!, "--priority", "P2", "--no-push"]);
      expect(r.code, r.stderr).toBe(0);
    }
    fx.git("switch", "-q", "main");
  });
  afterAll(() => fx.cleanup());

  it("names the same command with --ticket, and lists both incidents", async () => {
    const r = await firebreak(fx.work, ["note", "deploy looks slow"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("2 incidents are in progress");
    expect(r.stderr).toMatch(/firebreak note ('deploy looks slow'|"deploy looks slow") --ticket ENG-[12]/);
    expect(r.stderr).toContain("ENG-1 (P2) cart totals wrong");
    expect(r.stderr).toContain("ENG-2 (P2) login loops");
  });

  it("a command without --ticket keeps the core's own way on", async () => {
    const r = await firebreak(fx.work, ["status"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/firebreak status ENG-[12]/);
    expect(r.stderr).not.toContain("--ticket");
  });
});
