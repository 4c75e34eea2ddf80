// The Slack app's settings, from the environment of `firebreak serve`. The app is mounted only when
// both the signing secret and the bot token are set; both are registered as secrets at once, so
// the redactor masks them in every log line, record and message.

import { registerSecret } from "../../redact.js";
import { DEFAULT_TEAM } from "../../domain/access.js";
import { parseTeamName } from "../../domain/access.js";

export interface SlackSettings {
  /**
   * The Firebreak team whose incidents get messages in the channels below, and whose open
   * incidents an unlinked Slack user may read (FIREBREAK_SLACK_TEAM; 'default'). A linked person
   * acts in their own token's team, and only this team's incidents are ever posted.
   */
  team?: string;
  signingSecret: string;
  botToken: string;
  /** The Web API's base URL (Slack's own unless a stand-in is used). */
  apiUrl?: string;
  /** The shared channel where each incident gets its message (a private incident: a notice only). */
  channel?: string;
  /** A private channel where private incidents get their full message. */
  privateChannel?: string;
  /** Smallest gap between two posts to one channel (ms; Slack allows about one a second). */
  gapMs?: number;
  /** How often open incidents' messages are re-rendered so their clocks move (ms; default a minute). */
  clockMs?: number;
}

export function slackSettingsFromEnv(env: NodeJS.ProcessEnv): SlackSettings | undefined {
  const signingSecret = env.FIREBREAK_SLACK_SIGNING_SECRET;
  const botToken = env.FIREBREAK_SLACK_BOT_TOKEN;
  if (!signingSecret || !botToken) return undefined;
  registerSecret(signingSecret);
  registerSecret(botToken);
  return {
    signingSecret,
    botToken,
    team: env.FIREBREAK_SLACK_TEAM ? parseTeamName(env.FIREBREAK_SLACK_TEAM, "FIREBREAK_SLACK_TEAM") : DEFAULT_TEAM,
    ...(env.FIREBREAK_SLACK_API_URL ? { apiUrl: env.FIREBREAK_SLACK_API_URL } : {}),
    ...(env.FIREBREAK_SLACK_CHANNEL ? { channel: env.FIREBREAK_SLACK_CHANNEL } : {}),
    ...(env.FIREBREAK_SLACK_PRIVATE_CHANNEL ? { privateChannel: env.FIREBREAK_SLACK_PRIVATE_CHANNEL } : {}),
  };
}
