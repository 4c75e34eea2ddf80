import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, parseConfigText } from "../../src/config/load.js";
import { DEFAULT_CONFIG, DEFAULT_TICKET_PATTERN } from "../../src/config/schema.js";
import { FirebreakError, EXIT } from "../../src/errors.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repoWith(text: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-config-"));
  dirs.push(dir);
  if (text !== null) writeFileSync(join(dir, ".firebreak.yml"), text);
  return dir;
}

/** The problems thrown for `text`, or a failure when nothing was thrown. */
function problemsOf(text: string): string[] {
  try {
    parseConfigText(text);
  } catch (e) {
    expect(e).toBeInstanceOf(FirebreakError);
    const err = e as FirebreakError;
    expect(err.code).toBe("CONFIG_INVALID");
    expect(err.exit).toBe(EXIT.config);
    return err.details;
  }
  throw new Error("expected the config to be refused");
}

// Built at run time so the repository holds no string a secret scanner would flag.
const fakeGithubToken = "ghp_" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c";
const fakeSlackHook = "https://hooks.slack.com/services/" + "T0000AAAA/B0000BBBB/" + "x".repeat(24);

describe("loadConfig", () => {
  it("uses the defaults when there is no file", async () => {
    const r = await loadConfig(repoWith(null));
    expect(r.file).toBeNull();
    expect(r.warnings).toEqual([]);
    expect(r.config).toEqual(DEFAULT_CONFIG);
    expect(r.config.production).toEqual({ branch: "main", remote: "origin" });
    expect(r.config.ticket.pattern).toBe(DEFAULT_TICKET_PATTERN);
    expect(r.config.calendar).toEqual({ timeZone: "UTC", workDays: [1, 2, 3, 4, 5], holidays: [] });
    expect(r.config.forge.type).toBe("git");
    expect(r.config.checks.timeoutSeconds).toBe(600);
  });

  it("points at .firebreak.yaml when that is the file present", async () => {
    const dir = repoWith(null);
    writeFileSync(join(dir, ".firebreak.yaml"), "production:\n  branch: prod\n");
    const r = await loadConfig(dir);
    expect(r.warnings.join("\n")).toMatch(/\.firebreak\.yaml is not read.*rename/i);
  });

  it("reads a valid file and fills in what it leaves out", async () => {
    const dir = repoWith(`
production:
  branch: release
  remote: upstream
ticket:
  pattern: '^OPS-[0-9]+$'
calendar:
  timeZone: europe/berlin
  workDays: [1, 2, 3, 4]
  holidays: ['2025-12-25', 2026-01-01]
forge:
  type: github
  repo: acme/api
  token: env:GITHUB_TOKEN
checks:
  test: npm test
  build: npm run build
guard:
  testPatterns: ['test/**']
  levels:
    P0: { maxFiles: 5, rules: { lockfile: warn } }
deploy:
  command: ./deploy.sh
  someFutureKey: { nested: true }
notify:
  slack: { webhook: env:SLACK_WEBHOOK_URL }
backport:
  targets:
    - branch: develop
    - { branch: release-candidate, short: rc }
checks2: ignored
`);
    const r = await loadConfig(dir);
    expect(r.file).toBe(join(dir, ".firebreak.yml"));
    expect(r.config.production).toEqual({ branch: "release", remote: "upstream" });
    expect(r.config.ticket.pattern).toBe("^OPS-[0-9]+$");
    expect(r.config.calendar).toEqual({ timeZone: "Europe/Berlin", workDays: [1, 2, 3, 4], holidays: ["2025-12-25", "2026-01-01"] });
    expect(r.config.forge).toEqual({ type: "github", repo: "acme/api", token: "env:GITHUB_TOKEN" });
    expect(r.config.checks).toEqual({ test: "npm test", build: "npm run build", timeoutSeconds: 600 });
    expect(r.config.guard.levels?.P0?.rules).toEqual({ lockfile: "warn" });
    expect(r.config.deploy).toEqual({ command: "./deploy.sh", someFutureKey: { nested: true } });
    expect(r.config.backport.targets).toEqual([{ branch: "develop" }, { branch: "release-candidate", short: "rc" }]);
    expect(r.warnings).toEqual([expect.stringMatching(/^\.firebreak\.yml:31:1 checks2: unknown key "checks2" \(did you mean checks\?\)/)]);
  });

  it("warns about an unknown top-level key with the closest valid one, and still loads", () => {
    const r = parseConfigText("prodution:\n  branch: prod\nforge:\n  type: git\n");
    expect(r.config.production.branch).toBe("main");
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^\.firebreak\.yml:1:1 prodution: unknown key "prodution" \(did you mean production\?\)/);
    expect(r.warnings[0]).toContain(
      "valid: production, ticket, calendar, forge, pr, checks, guard, deploy, release, rollback, verify, notify, review, tracker, backport",
    );
  });

  it("warns about an unknown nested key in a typed section", () => {
    const r = parseConfigText("production:\n  brnch: prod\n");
    expect(r.warnings).toEqual([
      expect.stringMatching(/^\.firebreak\.yml:2:3 production\.brnch: unknown key "brnch" \(did you mean branch\?\)/),
    ]);
  });

  it("reports every problem at once, each at its own line and column", () => {
    const problems = problemsOf(`production:
  branch: -x
calendar:
  timeZone: Mars/Olympus
  workDays: [1, 2, 9]
  holidays: ['2025-02-30']
forge:
  type: gitlab
checks:
  timeoutSeconds: 0
guard:
  levels:
    P4: {}
    P1:
      rules: { lockfile: nope }
backport:
  targets:
    - short: rc
`);
    expect(problems).toEqual([
      expect.stringMatching(/^\.firebreak\.yml:2:11 production\.branch: not a valid branch name: must not start with -/),
      expect.stringMatching(/^\.firebreak\.yml:4:13 calendar\.timeZone: not an IANA time zone/),
      expect.stringMatching(/^\.firebreak\.yml:5:20 calendar\.workDays\[2\]: must be at most 7$/),
      expect.stringMatching(/^\.firebreak\.yml:6:14 calendar\.holidays\[0\]: not a calendar date/),
      '.firebreak.yml:8:9 forge.type: "gitlab" is not allowed (valid: git, github)',
      ".firebreak.yml:10:19 checks.timeoutSeconds: must be at least 1",
      '.firebreak.yml:13:5 guard.levels.P4: unknown key "P4" (valid: P0, P1, P2, P3) is not allowed here',
      '.firebreak.yml:15:26 guard.levels.P1.rules.lockfile: "nope" is not allowed (valid: block, warn, off)',
      ".firebreak.yml:18:7 backport.targets[0].branch: is required",
    ]);
  });

  it("refuses a ticket pattern that does not compile", () => {
    expect(problemsOf("ticket:\n  pattern: '[A-Z'\n")).toEqual([
      expect.stringMatching(/^\.firebreak\.yml:2:12 ticket\.pattern: not a valid regular expression: .*Unterminated character class/),
    ]);
  });

  it("warns when the ticket pattern is not anchored", () => {
    const r = parseConfigText("ticket:\n  pattern: 'ENG-[0-9]+'\n");
    expect(r.warnings.join("\n")).toMatch(/ticket\.pattern: is not anchored/);
  });

  it("refuses an unknown time zone and suggests the real one", () => {
    expect(problemsOf("calendar:\n  timeZone: Berlin\n")[0]).toMatch(
      /^\.firebreak\.yml:2:13 calendar\.timeZone: not an IANA time zone \(did you mean Europe\/Berlin\?\)/,
    );
    expect(problemsOf("calendar:\n  timeZone: Mars/Olympus\n")[0]).toContain("valid: names like UTC, Europe/Berlin");
  });

  it("refuses an empty work week", () => {
    expect(problemsOf("calendar:\n  workDays: []\n")).toEqual([".firebreak.yml:2:13 calendar.workDays: must list at least 1 item"]);
  });

  it("refuses a token written inline and never repeats it, while env:NAME is accepted", () => {
    const problems = problemsOf(
      `forge:\n  type: github\n  repo: acme/api\n  token: ${fakeGithubToken}\nnotify:\n  slack:\n    webhook: ${fakeSlackHook}\n`,
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^\.firebreak\.yml:4:10 forge\.token: this looks like a GitHub token .*put it in the environment and write env:NAME/,
      ),
      expect.stringMatching(
        /^\.firebreak\.yml:7:14 notify\.slack\.webhook: this looks like a Slack webhook URL .*put it in the environment and write env:NAME/,
      ),
    ]);
    const all = problems.join("\n");
    expect(all).not.toContain(fakeGithubToken);
    expect(all).not.toContain("T0000AAAA");

    const ok = parseConfigText(
      "forge:\n  type: github\n  repo: acme/api\n  token: env:GITHUB_TOKEN\nnotify:\n  slack:\n    webhook: env:SLACK_WEBHOOK_URL\n",
    );
    expect(ok.config.forge.token).toBe("env:GITHUB_TOKEN");
    expect(ok.config.notify.slack).toMatchObject({ webhook: "env:SLACK_WEBHOOK_URL" });
  });

  it("finds a token anywhere, even inside a team's command", () => {
    const problems = problemsOf(`checks:\n  build: "curl -H 'Authorization: token ${fakeGithubToken}' https://x.test"\n`);
    expect(problems[0]).toMatch(/^\.firebreak\.yml:2:10 checks\.build: this looks like a GitHub token/);
  });

  it("refuses a random-looking value under a secret-sounding key, and a URL with a password", () => {
    const problems = problemsOf("deploy:\n  apiKey: Zx81Qp0LmW3nR7tY5vB2cK9sD4\n  url: https://deploy:hunter22@deploy.example.test/hook\n");
    expect(problems).toEqual([
      expect.stringMatching(/^\.firebreak\.yml:2:11 deploy\.apiKey: this looks like a secret in "apiKey".*env:API_KEY/),
      expect.stringMatching(/^\.firebreak\.yml:3:8 deploy\.url: this looks like a URL with a password in it/),
    ]);
  });

  it("refuses a plain value where a secret must come from the environment, and env: in a typed field", () => {
    expect(problemsOf("forge:\n  type: github\n  token: abc\n")).toEqual([
      expect.stringMatching(
        /^\.firebreak\.yml:3:10 forge\.token: a secret is never written in the file: put it in the environment and write env:NAME/,
      ),
    ]);
    expect(problemsOf("production:\n  branch: env:BRANCH\n")[0]).toMatch(/production\.branch: env:NAME is only for secrets/);
    expect(problemsOf("notify:\n  x: env:lower\n")[0]).toMatch(/notify\.x: env: must be followed by a variable name/);
  });

  it("reports a YAML syntax error with its line", () => {
    const problems = problemsOf("production:\n  branch: main\n  remote: [origin\nticket: x\n");
    expect(problems).toEqual([expect.stringMatching(/^\.firebreak\.yml:4:1 Flow sequence .* end with a \]$/)]);
    expect(problemsOf("production:\n\tbranch: x\n")).toEqual([".firebreak.yml:2:1 Tabs are not allowed as indentation"]);
    const dup = problemsOf("production:\n  branch: main\nproduction:\n  branch: prod\n");
    expect(dup[0]).toMatch(/^\.firebreak\.yml:3:1 .*unique/i);
  });

  it("refuses a file that is not a mapping", () => {
    expect(problemsOf("- production\n")[0]).toMatch(/^\.firebreak\.yml:1:1 the file must be a mapping/);
  });

  it("treats an empty section as the defaults", () => {
    const r = parseConfigText("production:\n  # branch: prod\nchecks:\n");
    expect(r.config.production.branch).toBe("main");
    expect(r.config.checks.timeoutSeconds).toBe(600);
  });

  it("refuses a backport target that is the production branch", () => {
    expect(problemsOf("backport:\n  targets:\n    - branch: develop\n    - branch: main\n")).toEqual([
      expect.stringMatching(/^\.firebreak\.yml:4:15 backport\.targets\[1\]\.branch: is the production branch \(main\)/),
    ]);
  });

  it("warns when forge.type is github but the repository cannot be known", async () => {
    const r = await loadConfig(repoWith("forge:\n  type: github\n"));
    expect(r.warnings.join("\n")).toMatch(/forge\.type is github but forge\.repo is not set.*set forge\.repo: owner\/name/);
  });

  it("warns about forge settings that type git ignores", () => {
    const r = parseConfigText("forge:\n  repo: acme/api\n");
    expect(r.warnings).toEqual([expect.stringMatching(/^\.firebreak\.yml:2:9 forge\.repo: is ignored while forge\.type is git/)]);
  });

  it("DEFAULT_CONFIG cannot be changed by accident", () => {
    expect(() => {
      (DEFAULT_CONFIG.production as { branch: string }).branch = "x";
    }).toThrow(TypeError);
  });
});

describe("keys and sizes a config must not have", () => {
  const problemsOf = async (text: string): Promise<{ exit: number; details: string[] }> => {
    try {
      await loadConfig(repoWith(text));
    } catch (e) {
      if (e instanceof FirebreakError) return { exit: e.exit, details: e.details };
      throw e;
    }
    return { exit: 0, details: [] };
  };

  it("constructor, toString and __proto__ are refused with their line, exit 7, not an unexpected error", async () => {
    const r = await problemsOf("checks:\n  constructor: 1\n  toString: x\n__proto__: { a: 1 }\n");
    expect(r.exit).toBe(EXIT.config);
    expect(r.details).toEqual([
      '.firebreak.yml:2:3 "constructor" is a reserved name, not a setting: remove it',
      '.firebreak.yml:3:3 "toString" is a reserved name, not a setting: remove it',
      '.firebreak.yml:4:1 "__proto__" is a reserved name, not a setting: remove it',
    ]);
  });

  it("a config over 256 KB is refused before it is parsed, with its size", async () => {
    const r = await problemsOf(`ticket:\n  pattern: "^[A-Z]+-\\\\d+$"\n# ${"x".repeat(300_000)}\n`);
    expect(r.exit).toBe(EXIT.config);
    expect(r.details[0]).toMatch(/is 293 KB; the limit is 256 KB/);
  });
});
