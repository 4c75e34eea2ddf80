import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { caught } from "../helpers/caught.js";
import {
  DEFAULT_TICKET_PATTERN,
  backportBranch,
  hotfixBranch,
  privateHotfixBranch,
  slugify,
  validateTicket,
} from "../../src/domain/naming.js";
import { ticketOfBranch } from "../../src/guard/unrecorded.js";

/** Ask real git whether it accepts the name as a branch. */
function gitAcceptsBranch(name: string): boolean {
  try {
    execFileSync("git", ["check-ref-format", "--branch", name], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

const SLUG_SHAPE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const TEN_KB = "Payment webhook retries duplicate charges ".repeat(250);

describe("slugify", () => {
  it.each<[string, string]>([
    ["Fix auth bypass on expired tokens", "fix-auth-bypass-on-expired-tokens"],
    ["Crème brûlée für Ärzte", "creme-brulee-fur-arzte"],
    ["Straße ØRESUND Łódź", "strasse-oresund-lodz"],
    ["ＡＢＣ１２３ fullwidth", "abc123-fullwidth"],
    ["🔥 Fire 🔥 in prod", "fire-in-prod"],
    ["🔥🔥🔥", "fix"],
    ["日本語のタイトル", "fix"],
    ["", "fix"],
    ["---", "fix"],
    ["$(touch pwned)", "touch-pwned"],
    ["`rm -rf /` && echo hi; ls | cat > x", "rm-rf-echo-hi-ls-cat-x"],
    ["--upload-pack=touch pwned", "upload-pack-touch-pwned"],
    ["-f", "f"],
    ["line one\nline two\r\n\tline three", "line-one-line-two-line-three"],
    ["refs/heads/../main.lock", "refs-heads-main-lock"],
    ["Null\u0000byte and \u001b[31mcolour", "null-byte-and-31mcolour"],
    ["a".repeat(100), "a".repeat(40)],
  ])("%j → %j", (title, want) => {
    expect(slugify(title)).toBe(want);
  });

  it.each<[string, number, string]>([
    ["abc defgh", 5, "abc"], // cut inside "defgh": back to the dash
    ["abc-de fg", 6, "abc-de"], // the cut falls on a dash already
    ["abcdefgh ij", 4, "abcd"], // no dash to go back to: hard cut
    ["fix auth bypass on expired tokens for all users of the api", 40, "fix-auth-bypass-on-expired-tokens-for"],
  ])("%j cut at %d → %j", (title, max, want) => {
    expect(slugify(title, max)).toBe(want);
  });

  it("keeps a 10 kB title to 40 characters, cut between words", () => {
    const slug = slugify(TEN_KB);
    expect(slug).toBe("payment-webhook-retries-duplicate");
    expect(slug.length).toBeLessThanOrEqual(40);
  });

  it.each(["Fix auth bypass", "$(touch pwned)", "--upload-pack=x", "a..b.lock", "🔥", TEN_KB, "x\n@{-1}~^:?*[\\"])(
    "always gives a slug git accepts in a branch name: %j",
    (title) => {
      const slug = slugify(title);
      expect(slug).toMatch(SLUG_SHAPE);
      expect(gitAcceptsBranch(`hotfix/ENG-1-${slug}`)).toBe(true);
    },
  );
});

describe("validateTicket", () => {
  it.each(["ENG-1234", "AB-1", "OPS2-99", "ABCDEFGHIJ-123456789"])("accepts %j", (t) => {
    expect(validateTicket(t, DEFAULT_TICKET_PATTERN)).toBe(t);
    expect(validateTicket(t)).toBe(t);
  });

  it.each([
    "eng-1234",
    "ENG1234",
    "-1",
    "ENG-",
    "ABCDEFGHIJK-1",
    "ENG-1234567890",
    " ENG-1234",
    "ENG-1234 ",
    "ENG-1234\n",
    "ENG-1 ; rm",
    "ENG-１２３",
    "",
  ])("refuses %j with the default pattern", (t) => {
    const e = caught(() => validateTicket(t, DEFAULT_TICKET_PATTERN));
    expect(e.code).toBe("BAD_TICKET");
    expect(e.message).toContain(DEFAULT_TICKET_PATTERN);
  });

  // A team's pattern may be loose; these stay refused whatever it says.
  it.each([
    "--upload-pack=touch pwned",
    "-f",
    "a..b",
    "x.lock",
    "ENG-1 ; rm",
    "ENG-1\trm",
    "ENG-1\u0000",
    "$(touch pwned)",
    "`id`",
    "a~1",
    "a^",
    "a:b",
    "@{u}",
    "a/b",
    ".hidden",
    "x".repeat(100),
  ])("refuses %j even when the pattern allows anything", (t) => {
    expect(caught(() => validateTicket(t, ".*")).code).toBe("BAD_TICKET");
    expect(caught(() => validateTicket(t, "^.+$")).code).toBe("BAD_TICKET");
  });

  it("accepts a team's own ticket shape", () => {
    expect(validateTicket("proj_42", "[a-z]+_[0-9]+")).toBe("proj_42");
    expect(validateTicket("1234", "\\d+")).toBe("1234");
  });

  it("matches the whole ticket even when the team's pattern has no anchors", () => {
    expect(caught(() => validateTicket("xENG-1x", "[A-Z]+-\\d+")).code).toBe("BAD_TICKET");
  });

  it("reports a broken pattern as a config error", () => {
    const e = caught(() => validateTicket("ENG-1", "(["));
    expect(e.code).toBe("CONFIG_INVALID");
    expect(e.details[0]).toMatch(/ticket\.pattern/);
  });

  it("never echoes control characters into the terminal", () => {
    const e = caught(() => validateTicket("ENG-1\u001b[31mred\u0007"));
    expect(e.message).not.toMatch(/[\u0000-\u001f]/);
    expect(e.message).toContain("\\u001b");
  });
});

describe("branch names", () => {
  it("builds the hotfix branch from ticket and title", () => {
    expect(hotfixBranch("ENG-1234", "Fix auth bypass on expired tokens")).toBe("hotfix/ENG-1234-fix-auth-bypass-on-expired-tokens");
    expect(hotfixBranch("ENG-1", "$(touch pwned)")).toBe("hotfix/ENG-1-touch-pwned");
    expect(hotfixBranch("ENG-1", "🔥")).toBe("hotfix/ENG-1-fix");
  });

  it.each(["-f", "a..b", "x.lock", "ENG-1 ; rm", "--upload-pack=touch pwned", ""])("hotfixBranch refuses ticket %j", (t) => {
    expect(caught(() => hotfixBranch(t, "title")).code).toBe("UNSAFE_VALUE");
  });

  it("names a private incident's branch by its ticket and a tag, never its title, and the ticket still reads back", () => {
    const branch = privateHotfixBranch("SEC-12", "3f9a0c1e");
    expect(branch).toBe("hotfix/SEC-12-3f9a0c1e");
    expect(ticketOfBranch(branch)).toBe("SEC-12");
    expect(caught(() => privateHotfixBranch("SEC-12", "auth-bypass")).code).toBe("UNSAFE_VALUE");
    expect(caught(() => privateHotfixBranch("-f", "3f9a0c1e")).code).toBe("UNSAFE_VALUE");
  });

  it("builds backport branches", () => {
    expect(backportBranch("rc", "ENG-1234")).toBe("backport/rc/hotfix-ENG-1234");
    expect(backportBranch("release/2.3", "ENG-1234")).toBe("backport/release/2.3/hotfix-ENG-1234");
  });

  it.each(["", "-x", "a..b", "a//b", "rc/", "x.lock", "rc;rm", "a b"])("backportBranch refuses target %j", (short) => {
    expect(caught(() => backportBranch(short, "ENG-1")).code).toBe("UNSAFE_VALUE");
  });

  it.each([
    () => hotfixBranch("ENG-1234", TEN_KB),
    () => hotfixBranch("OPS2-9", "Crème brûlée 🔥 $(x)"),
    () => backportBranch("rc", "ENG-1234"),
    () => backportBranch("release/2.3", "ABC-1"),
  ])("git accepts every branch built (%#)", (build) => {
    expect(gitAcceptsBranch(build())).toBe(true);
  });
});
