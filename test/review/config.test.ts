// The review and tracker sections of .firebreak.yml: optional, checked, secrets only by reference.

import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/load.js";
import { FirebreakError } from "../../src/errors.js";

const problems = (text: string): string[] => {
  try {
    parseConfigText(text);
  } catch (e) {
    if (e instanceof FirebreakError) return e.details;
    throw e;
  }
  throw new Error("expected the config to be refused");
};

describe("review and tracker config", () => {
  it("are optional", () => {
    const c = parseConfigText("").config;
    expect(c.review).toEqual({});
    expect(c.tracker).toEqual({});
  });

  it("reads a full section", () => {
    const c = parseConfigText(
      "review:\n  dir: docs/pir\n  meetingMinutes: 45\ntracker:\n  type: linear\n  teamId: abc\n  token: env:LINEAR_API_KEY\n  issuePattern: '^GH-(\\d+)$'\n",
    ).config;
    expect(c.review).toEqual({ dir: "docs/pir", meetingMinutes: 45 });
    expect(c.tracker).toMatchObject({ type: "linear", teamId: "abc", token: "env:LINEAR_API_KEY", issuePattern: "^GH-(\\d+)$" });
  });

  it("refuses a key written inline, an unknown tracker, a pattern without a group and a dir outside the repository", () => {
    const key = "lin_api_" + "Zx8Qw7Er6Ty5Ui4Op3As2Df1Gh0Jk9Lz";
    const p = problems(`review:\n  dir: ../elsewhere\ntracker:\n  type: jira\n  token: ${key}\n  issuePattern: '^GH-\\d+$'\n`).join("\n");
    expect(p).toContain("review.dir");
    expect(p).toContain("tracker.type");
    expect(p).toContain("tracker.token");
    expect(p).toContain("tracker.issuePattern");
    expect(p).not.toContain(key);
  });
});
