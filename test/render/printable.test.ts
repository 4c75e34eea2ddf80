// What a person wrote reaches other people's terminals shown, never obeyed: a note carrying
// terminal escape sequences (OSC 52 sets the reader's clipboard, CSI 2 J clears the screen) is
// printed in caret notation by log and status, on a clone's own record as on a team server.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { printable } from "../../src/render/printable.js";
import { firebreak } from "../helpers/cli.js";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";

const HOSTILE = "ok \u001b]52;c;ZWNobyBwd25lZAo=\u0007\u001b[1A\u001b[2Kfake line\u009b2J";

describe("printable", () => {
  it("shows control characters instead of passing them to the terminal", () => {
    expect(printable(HOSTILE)).toBe("ok ^[]52;c;ZWNobyBwd25lZAo=^G^[[1A^[[2Kfake line\\x9b2J");
    expect(printable("two\nlines\tand a\u007f")).toBe("two lines and a^?");
    expect(printable("Zoë naïve — 東京 ✔")).toBe("Zoë naïve — 東京 ✔");
  });
});

describe("a note with escape sequences, read by log and status", () => {
  let fx: GitFixture;
  beforeAll(async () => {
    fx = makeRepo();
    const started = await firebreak(fx.work, ["start", "ENG-301", "card payments fail", "--priority", "P2", "--no-push"]);
    expect(started.code, started.stderr).toBe(0);
    const noted = await firebreak(fx.work, ["note", "--ticket", "ENG-301", HOSTILE], { env: { FIREBREAK_ACTOR: "mal\u001b[31mlory" } });
    expect(noted.code, noted.stderr).toBe(0);
  });
  afterAll(() => fx.cleanup());

  it.each([
    ["log", "ENG-301"],
    ["status", "ENG-301"],
  ])("firebreak %s %s prints it in caret notation", async (...args) => {
    const r = await firebreak(fx.work, args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("^[]52;c;ZWNobyBwd25lZAo=^G");
    expect(r.stdout).toContain("mal^[[31mlory");
    // NO_COLOR is set for tests: any ESC or BEL left would be the note's own.
    expect(r.stdout).not.toMatch(/[\u001b\u0007\u009b]/);
  });
});
