// Slack: an incoming webhook (POST {text, blocks}, answered "ok") or the Web API's
// chat.postMessage (Bearer token, {channel, text, blocks, thread_ts}, answered {ok, ts, channel}),
// which lets later stages thread under the first message. Rate limits (HTTP 429 with
// Retry-After) are honoured by sendWithRetry; a refusal names Slack's error code.

import type { Secret } from "../../config/secrets.js";
import { failFromStatus, notifyError, sendWithRetry, excerpt } from "./http.js";
import type { NotifyContext } from "./context.js";
import type { SlackMessage, SlackNotifier } from "../../ports/notify/slack.js";

export type { SlackMessage };

export async function postSlackWebhook(url: Secret, message: SlackMessage, ctx: NotifyContext): Promise<void> {
  const answer = await sendWithRetry({ service: "Slack", method: "POST", url, json: message, timeoutMs: ctx.timeoutMs }, ctx.retry);
  if (answer.status < 200 || answer.status >= 300)
    failFromStatus("Slack", answer, "check the webhook (Slack app → Incoming Webhooks), then run the same command again");
}

export interface SlackApiTarget {
  apiUrl: string;
  token: Secret;
  channel: string;
  /** The first message's ts: this one is posted as a reply in its thread. */
  threadTs?: string;
  /** With a thread: show the reply in the channel too (used for the resolution). */
  broadcast?: boolean;
}

export async function postSlackApi(
  target: SlackApiTarget,
  message: SlackMessage,
  ctx: NotifyContext,
): Promise<{ ts: string | null; channel: string }> {
  const json = {
    channel: target.channel,
    ...message,
    ...(target.threadTs ? { thread_ts: target.threadTs, ...(target.broadcast ? { reply_broadcast: true } : {}) } : {}),
    unfurl_links: false,
    unfurl_media: false,
  };
  const answer = await sendWithRetry(
    {
      service: "Slack",
      method: "POST",
      url: `${target.apiUrl.replace(/\/+$/, "")}/chat.postMessage`,
      headers: { authorization: `Bearer ${target.token.reveal()}` },
      json,
      timeoutMs: ctx.timeoutMs,
    },
    ctx.retry,
  );
  if (answer.status < 200 || answer.status >= 300) failFromStatus("Slack", answer);
  let parsed: { ok?: boolean; error?: string; ts?: string; channel?: string };
  try {
    parsed = JSON.parse(answer.body) as typeof parsed;
  } catch {
    // Slack answered 200, so the message was taken; only its id is unknown.
    return { ts: null, channel: target.channel };
  }
  if (parsed.ok !== true)
    throw notifyError(
      "Slack",
      `chat.postMessage refused the message (${excerpt(String(parsed.error ?? "no error code"))}); nothing was posted`,
      slackHint(String(parsed.error)),
    );
  return {
    ts: typeof parsed.ts === "string" ? parsed.ts : null,
    channel: typeof parsed.channel === "string" ? parsed.channel : target.channel,
  };
}

function slackHint(code: string): string {
  switch (code) {
    case "not_in_channel":
    case "channel_not_found":
      return "invite the app to the channel (/invite @<app>) and check notify.slack.channel, then run the same command again";
    case "invalid_auth":
    case "not_authed":
    case "token_revoked":
      return "check the token named by notify.slack.token (it needs the chat:write scope)";
    default:
      return "run the same command again; if it keeps failing, check the Slack app's settings";
  }
}

/** notify.slack with a token and a channel: the Web API, which threads later stages under the first. */
export class SlackApiNotifier implements SlackNotifier {
  readonly via = "api";
  constructor(
    private readonly target: Omit<SlackApiTarget, "threadTs" | "broadcast">,
    private readonly ctx: NotifyContext,
  ) {}
  get channel(): string {
    return this.target.channel;
  }
  post(message: SlackMessage, thread?: { ts: string; broadcast: boolean }): Promise<{ ts: string | null; channel: string }> {
    return postSlackApi({ ...this.target, ...(thread ? { threadTs: thread.ts, broadcast: thread.broadcast } : {}) }, message, this.ctx);
  }
}

/** notify.slack with a webhook only: one message per stage, no thread. */
export class SlackWebhookNotifier implements SlackNotifier {
  readonly via = "webhook";
  readonly channel = null;
  constructor(
    private readonly url: Secret,
    private readonly ctx: NotifyContext,
  ) {}
  async post(message: SlackMessage): Promise<{ ts: null; channel: null }> {
    await postSlackWebhook(this.url, message, this.ctx);
    return { ts: null, channel: null };
  }
}
