import { describe, expect, it } from "vitest";
import { inspect, format } from "node:util";
import { inlineSecretKind, redact, resolveSecret, Secret } from "../../src/config/secrets.js";
import { FirebreakError } from "../../src/errors.js";

const VALUE = "s3cr3t-" + "Q9wE7rT5yU3iO1pA";

describe("Secret", () => {
  const secret = resolveSecret("env:FIREBREAK_TEST_TOKEN", { FIREBREAK_TEST_TOKEN: VALUE });

  it("gives the value only through reveal()", () => {
    expect(secret.reveal()).toBe(VALUE);
    expect(secret.source).toBe("env:FIREBREAK_TEST_TOKEN");
  });

  it("never prints its value, however it is turned into text", () => {
    const outputs = [
      String(secret),
      `${secret}`,
      "token: " + secret,
      JSON.stringify(secret),
      JSON.stringify({ forge: { token: secret } }),
      inspect(secret),
      inspect({ deep: { token: secret } }, { depth: 10, showHidden: true }),
      format("%s %o %O %j", secret, secret, secret, { t: secret }),
    ];
    for (const out of outputs) {
      expect(out).not.toContain(VALUE);
      expect(out).toContain("****");
    }
    expect(Object.keys(secret)).not.toContain("value");
    expect(JSON.stringify(Object.entries(secret))).not.toContain(VALUE);
  });

  it("names the missing variable and the key that reads it", () => {
    let err: unknown;
    try {
      resolveSecret("env:FIREBREAK_NOT_SET_ANYWHERE", {}, "forge.token");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FirebreakError);
    expect((err as FirebreakError).code).toBe("SECRET_MISSING");
    expect((err as FirebreakError).message).toContain("FIREBREAK_NOT_SET_ANYWHERE is not set");
    expect((err as FirebreakError).message).toContain("forge.token");
    expect((err as FirebreakError).next).toContain("export FIREBREAK_NOT_SET_ANYWHERE=");
    expect(() => resolveSecret("env:EMPTY", { EMPTY: "" })).toThrow(/EMPTY is empty/);
    expect(() => resolveSecret("env:lower", {})).toThrow(/not a valid environment variable name/);
  });

  it("takes a value that is not env:NAME as written", () => {
    const s = resolveSecret("https://deploy.example.test", {});
    expect(s).toBeInstanceOf(Secret);
    expect(s.reveal()).toBe("https://deploy.example.test");
    expect(s.source).toBe("inline");
  });

  it("masks a revealed value in outside output", () => {
    expect(redact(`fatal: could not push to https://x:${VALUE}@h.test`, [secret])).toBe("fatal: could not push to https://x:****@h.test");
  });
});

describe("inlineSecretKind", () => {
  it("recognises tokens and webhook URLs in any field", () => {
    const cases: [string, RegExp][] = [
      ["gho_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3", /GitHub/],
      ["github_pat_" + "11ABCDEFG0123456789_abcdefghijk", /GitHub/],
      ["xoxb-" + "1234567890-abcdefghij", /Slack/],
      ["xapp-" + "1-A0123456789-abcdef", /Slack/],
      ["sk-" + "proj0123456789abcdefghijk", /API secret/],
      ["AKIA" + "IOSFODNN7EXAMPLE", /AWS/],
      ["glpat-" + "abcdefghij0123456789", /GitLab/],
      ["https://acme.webhook.office.com/" + "webhookb2/abc@def/IncomingWebhook/123/456", /Teams/],
    ];
    for (const [value, kind] of cases) expect(inlineSecretKind(value)?.kind).toMatch(kind);
  });

  it("leaves ordinary values alone", () => {
    for (const v of ["main", "npm run build", "https://github.example.com/api/v3", "env:GITHUB_TOKEN", "^[A-Z]+-[0-9]+$", "task-runner"]) {
      expect(inlineSecretKind(v, "url")).toBeNull();
    }
    expect(inlineSecretKind("GITHUB_TOKEN", "tokenEnv")).toBeNull();
    expect(inlineSecretKind("https://example.test/hooks/ci", "webhook")).toBeNull();
  });
});
