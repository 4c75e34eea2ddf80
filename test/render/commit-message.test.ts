import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { makeRepo } from "../helpers/git-fixture.js";
import type { GitFixture } from "../helpers/git-fixture.js";
import { renderCommitMessage, commitSubject } from "../../src/render/commit-message.js";

let fx: GitFixture | undefined;
afterEach(() => fx?.cleanup());

const HOSTILE = 'Tokens `rm -rf /` $(touch pwned) "quoted" & ; | > out\n# not a comment\nsecond line';

describe("renderCommitMessage", () => {
  it("writes a fix: subject, the body, and trailers git reads back", () => {
    const msg = renderCommitMessage({
      brief: "Empty tokens accepted at login",
      whatWasBroken: "Logins with an empty token succeeded.",
      rootCause: "check() never looked at the length.\r\nIntroduced in v1.4.0.",
      ticket: "ENG-1234",
      priority: "P0",
    });
    expect(msg).toBe(
      "fix: Empty tokens accepted at login\n\nWhat was broken:\nLogins with an empty token succeeded.\n\n" +
        "Root cause:\ncheck() never looked at the length.\nIntroduced in v1.4.0.\n\nTicket: ENG-1234\nPriority: P0\n",
    );
    const dir = mkdtempSync(join(tmpdir(), "firebreak-trailers-"));
    try {
      const parsed = execFileSync("git", ["interpret-trailers", "--parse"], { input: msg, cwd: dir, encoding: "utf8" });
      expect(parsed).toBe("Ticket: ENG-1234\nPriority: P0\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the subject to one line of at most 72 characters", () => {
    expect(commitSubject("fix: a\n b")).toBe("fix: a b");
    expect(commitSubject("Fix add returns difference")).toBe("fix: add returns difference");
    expect(commitSubject("Fixed the login redirect")).toBe("fix: the login redirect");
    expect(commitSubject("Fixture loader crashes")).toBe("fix: Fixture loader crashes");
    const long = commitSubject("x".repeat(100));
    expect(long).toHaveLength(72);
    expect(long.endsWith("…")).toBe(true);
    expect(() => commitSubject(" \n ")).toThrow(/brief/);
  });

  it("refuses a trailer value spanning lines", () => {
    expect(() => renderCommitMessage({ brief: "b", ticket: "ENG-1\nPriority: P3", priority: "P0" })).toThrow(/single line/);
  });

  it("a title with shell metacharacters and newlines goes into a real commit verbatim and safely", () => {
    fx = makeRepo();
    const msg = renderCommitMessage({ brief: HOSTILE, whatWasBroken: HOSTILE, ticket: "ENG-1234", priority: "P1" });
    fx.write("src/auth.js", "export function check(t) { return t.length > 0; }\n");
    fx.git("add", "-A");
    const file = join(fx.root, "COMMIT_MSG");
    writeFileSync(file, msg);
    fx.git("commit", "-q", "--cleanup=whitespace", "-F", file);
    expect(fx.git("log", "-1", "--format=%B") + "\n").toBe(msg);
    expect(fx.git("log", "-1", "--format=%s")).toBe('fix: Tokens `rm -rf /` $(touch pwned) "quoted" & ; | > out # not a comm…');
    expect(fx.git("log", "-1", "--format=%(trailers:key=Ticket,valueonly)")).toBe("ENG-1234");
    expect(() => execFileSync("test", ["-e", join(fx!.work, "pwned")])).toThrow(); // nothing ran
    expect(() => execFileSync("test", ["-e", join(fx!.work, "out")])).toThrow();
  });
});
