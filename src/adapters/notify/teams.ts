// Microsoft Teams incoming webhook: POST {type: "message", attachments: [an Adaptive Card]}.
// Classic connectors answer 200 "1" (and, for some failures, 200 with an error text); Workflows
// webhooks answer 202. A 429 is retried after Retry-After.

import type { Secret } from "../../config/secrets.js";
import { failFromStatus, notifyError, sendWithRetry, excerpt } from "./http.js";
import type { NotifyContext } from "./context.js";

export interface TeamsMessage {
  type: "message";
  attachments: { contentType: "application/vnd.microsoft.card.adaptive"; contentUrl: null; content: Record<string, unknown> }[];
}

export async function postTeams(url: Secret, message: TeamsMessage, ctx: NotifyContext): Promise<void> {
  const answer = await sendWithRetry({ service: "Teams", method: "POST", url, json: message, timeoutMs: ctx.timeoutMs }, ctx.retry);
  if (answer.status < 200 || answer.status >= 300) failFromStatus("Teams", answer, "check the webhook named by notify.teams.webhook, then run the same command again");
  const body = answer.body.trim();
  if (answer.status === 200 && body !== "" && body !== "1" && /error|failed/i.test(body))
    throw notifyError("Teams", `refused the card (${excerpt(body)}); nothing was posted`);
}
