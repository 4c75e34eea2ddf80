// Microsoft Teams incoming webhook: POST {type: "message", attachments: [an Adaptive Card]}.
// Classic connectors answer 200 "1" (and, for some failures, 200 with an error text); Workflows
// webhooks answer 202. A 429 is retried after Retry-After.

import type { Secret } from "../../config/secrets.js";
import { failFromStatus, notifyError, sendWithRetry, excerpt } from "./http.js";
import type { NotifyContext } from "./context.js";
import type { TeamsMessage, TeamsNotifier } from "../../ports/notify/teams.js";

export type { TeamsMessage };

export async function postTeams(url: Secret, message: TeamsMessage, ctx: NotifyContext): Promise<void> {
  const answer = await sendWithRetry({ service: "Teams", method: "POST", url, json: message, timeoutMs: ctx.timeoutMs }, ctx.retry);
  if (answer.status < 200 || answer.status >= 300)
    failFromStatus("Teams", answer, "check the webhook named by notify.teams.webhook, then run the same command again");
  const body = answer.body.trim();
  if (answer.status === 200 && body !== "" && body !== "1" && /error|failed/i.test(body))
    throw notifyError("Teams", `refused the card (${excerpt(body)}); nothing was posted`);
}

export class TeamsWebhookNotifier implements TeamsNotifier {
  constructor(
    private readonly url: Secret,
    private readonly ctx: NotifyContext,
  ) {}
  post(card: TeamsMessage): Promise<void> {
    return postTeams(this.url, card, this.ctx);
  }
}
