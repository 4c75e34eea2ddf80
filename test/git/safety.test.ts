import { describe, expect, it } from "vitest";
import { isFirebreakError } from "../../src/errors.js";
import {
  assertNotOption,
  assertSafeRef,
  assertSafeRemoteName,
  assertSafeRemoteUrl,
  assertSafeRev,
  redactCredentials,
  refSyntaxProblem,
} from "../../src/adapters/git/safety.js";

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return isFirebreakError(e) ? e.code : `not a FirebreakError: ${String(e)}`;
  }
  return undefined;
};

const asyncCodeOf = async (p: Promise<unknown>): Promise<string | undefined> => {
  try {
    await p;
  } catch (e) {
    return isFirebreakError(e) ? e.code : `not a FirebreakError: ${String(e)}`;
  }
  return undefined;
};

describe("assertNotOption", () => {
  it("refuses values that start with a dash and accepts the rest", () => {
    expect(codeOf(() => assertNotOption("--upload-pack=x", "remote"))).toBe("UNSAFE_VALUE");
    expect(codeOf(() => assertNotOption("-f", "branch"))).toBe("UNSAFE_VALUE");
    expect(codeOf(() => assertNotOption("main-f", "branch"))).toBeUndefined();
  });
});

describe("assertSafeRef", () => {
  const refused = [
    "-f",
    "--upload-pack=touch pwned",
    "$(touch pwned)",
    "`touch pwned`",
    "a..b",
    "x.lock",
    "ref with space",
    "fix\nmain",
    "tab\there",
    "x".repeat(10_240),
    "m\u0430in", // Cyrillic a: looks like main
    "\u202Egnp.exe", // right-to-left override
    "zero\u200Bwidth",
    "caf\u00e9",
    "@{-1}",
    "@",
    "HEAD",
    "a^b",
    "a~1",
    "a:b",
    "trailing/",
    "",
  ];
  for (const name of refused) {
    it(`refuses ${JSON.stringify(name.slice(0, 40))}`, async () => {
      expect(await asyncCodeOf(assertSafeRef(name))).toBe("UNSAFE_VALUE");
    });
  }

  for (const name of ["hotfix/ENG-1234-login-fails", "main", "release/1.4.x", "v1.4.3"]) {
    it(`accepts ${name}`, async () => {
      expect(await asyncCodeOf(assertSafeRef(name))).toBeUndefined();
    });
  }

  it("keeps a 10 kB value out of the message", async () => {
    const err = await assertSafeRef("y".repeat(10_240)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message.length).toBeLessThan(300);
  });

  it("names the reason, so a person knows what to change", () => {
    expect(refSyntaxProblem("a..b")).toMatch(/range/);
    expect(refSyntaxProblem("hotfix/ok")).toBeNull();
  });
});

describe("assertSafeRev", () => {
  it("accepts revisions people pass as start points", () => {
    for (const rev of ["origin/main", "v1.4.2", "HEAD~1", "abc123", "main^{commit}"])
      expect(codeOf(() => assertSafeRev(rev))).toBeUndefined();
  });
  it("refuses options, ranges, paths and invisible characters", () => {
    for (const rev of ["-f", "--output=x", "a..b", "a...b", "HEAD:secret.txt", "a b", "a\nb", "m\u0430in"]) {
      expect(codeOf(() => assertSafeRev(rev))).toBe("UNSAFE_VALUE");
    }
  });
});

describe("assertSafeRemoteName", () => {
  it("accepts remote names and refuses URLs, paths and options", () => {
    for (const name of ["origin", "upstream", "fork-1", "team/origin"]) expect(codeOf(() => assertSafeRemoteName(name))).toBeUndefined();
    for (const name of ["-f", "--upload-pack=x", "ext::sh", "/tmp/repo", "../x", "https://h/x.git", "a b", "a..b", "x.lock"]) {
      expect(codeOf(() => assertSafeRemoteName(name))).toBe("UNSAFE_VALUE");
    }
  });
});

describe("assertSafeRemoteUrl", () => {
  it("accepts the ordinary transports", () => {
    for (const url of [
      "https://github.com/acme/api.git",
      "http://127.0.0.1:8080/x.git",
      "ssh://git@github.com/acme/api.git",
      "git@github.com:acme/api.git",
      "git://example.test/x.git",
      "file:///srv/git/x.git",
      "/srv/git/x.git",
      "../origin.git",
    ]) {
      expect(codeOf(() => assertSafeRemoteUrl(url))).toBeUndefined();
    }
  });
  it("refuses remote helpers, unknown schemes and ssh option injection", () => {
    for (const url of [
      "ext::sh -c touch% pwned",
      "ext::sh",
      "fd::3",
      "foo::bar",
      "EXT::sh",
      "-oProxyCommand=touch pwned",
      "ssh://-oProxyCommand=touch%20pwned/x",
      "-oProxyCommand=x:path",
      "evil://host/x",
      "https://host/x\n.git",
      "",
    ]) {
      expect(
        codeOf(() => assertSafeRemoteUrl(url)),
        url,
      ).toBe("UNSAFE_VALUE");
    }
  });
  it("never repeats a token from the URL in its message", () => {
    const err = (() => {
      try {
        assertSafeRemoteUrl("weird://alice:ghp_s3cret@host/x");
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err?.message).toContain("****@host");
    expect(err?.message).not.toContain("ghp_s3cret");
  });
});

describe("redactCredentials", () => {
  it("removes userinfo from every URL in a text", () => {
    const text = "fatal: unable to access 'https://bob:tok123@git.example/x.git/': boom; also http://u@h/";
    const out = redactCredentials(text);
    expect(out).not.toContain("tok123");
    expect(out).toContain("https://****@git.example/x.git/");
    expect(out).toContain("http://****@h/");
    expect(redactCredentials("git@github.com:acme/api.git")).toBe("git@github.com:acme/api.git");
  });
});
