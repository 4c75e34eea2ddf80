// Slack: an incoming webhook, or the Web API's chat.postMessage, which lets later stages thread
// under the first message. Adapter: adapters/notify/slack.ts.

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

export interface SlackNotifier {
  /** "api" (a token and a channel: threads possible) or "webhook". */
  readonly via: "api" | "webhook";
  /** The channel posted to, with the API; null with a webhook (the webhook names it). */
  readonly channel: string | null;
  /**
   * Posts one message; with `thread` (the API only) as a reply under the first message, also shown
   * in the channel with `broadcast`. Returns the message's ts and channel when Slack says.
   */
  post(message: SlackMessage, thread?: { ts: string; broadcast: boolean }): Promise<{ ts: string | null; channel: string | null }>;
}
