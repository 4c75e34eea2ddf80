// The bot token and the signing secret are secrets like the others: whatever the app logs — a
// refused request, a Slack call that failed — never carries either, not even in part, and the
// settings read from the environment register both for redaction.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonLogger } from "../../src/server/log.js";
import { slackSettingsFromEnv } from "../../src/server/slack/settings.js";
import { redact } from "../../src/redact.js";
import { seedIncident } from "../server/fixture.js";
import { startRig, type SlackRig } from "./fixture.js";

describe("secrets", () => {
  let rig: SlackRig;
  const lines: string[] = [];
  const wrongToken = `xoxb-wrong-${"9".repeat(24)}`;
  beforeAll(async () => {
    rig = await startRig("sqlite", { log: jsonLogger((l) => lines.push(l)), botToken: wrongToken });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it("never logs the bot token or the signing secret", async () => {
    // A refused request and a Slack call refused with invalid_auth (the app holds a wrong token).
    const cmd = rig.slack.command("U1", "help");
    expect((await rig.send(cmd, rig.slack.sign(cmd.body, undefined, "guess"))).status).toBe(401);
    const incident = await seedIncident(rig.s.storage, { priority: "P1" });
    await rig.slack.waitFor("the post attempt", () => rig.slack.calls.find((c) => c.method === "chat.postMessage"));
    for (let i = 0; i < 100 && !lines.some((l) => l.includes("invalid_auth") || l.includes("slack call failed")); i++)
      await new Promise((r) => setTimeout(r, 20));
    const all = lines.join("");
    expect(all).toContain("slack request refused");
    expect(all).toContain("slack call failed");
    for (const secret of [wrongToken, rig.slack.signingSecret]) {
      expect(all).not.toContain(secret);
      expect(all).not.toContain(secret.slice(-12));
    }
    expect(rig.slack.messages.get("C_INC")?.some((m) => m.text.includes(incident.ticket)) ?? false).toBe(false);
  });

  it("the settings from the environment need both values and register both as secrets", () => {
    expect(slackSettingsFromEnv({ FIREBREAK_SLACK_SIGNING_SECRET: "only-one-of-two-values" })).toBeUndefined();
    const token = `xoxb-env-${"7".repeat(24)}`;
    const secret = `sig-${"5".repeat(28)}`;
    const s = slackSettingsFromEnv({
      FIREBREAK_SLACK_SIGNING_SECRET: secret,
      FIREBREAK_SLACK_BOT_TOKEN: token,
      FIREBREAK_SLACK_CHANNEL: "C1",
    });
    expect(s?.channel).toBe("C1");
    expect(redact(`token ${token} secret ${secret}`)).not.toContain(token);
    expect(redact(`token ${token} secret ${secret}`)).not.toContain(secret);
  });
});
