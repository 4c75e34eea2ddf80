// A generic JSON webhook for anything else (an incident bot, a pager, an automation): POST the
// announcement as JSON, optionally with Authorization: Bearer <token>. Any 2xx is delivered.

import type { Secret } from "../../config/secrets.js";
import { failFromStatus, sendWithRetry } from "./http.js";
import type { NotifyContext } from "./context.js";
import type { WebhookNotifier } from "../../ports/notify/webhook.js";

export async function postWebhook(
  url: Secret,
  token: Secret | undefined,
  payload: unknown,
  ctx: NotifyContext,
): Promise<{ status: number }> {
  const answer = await sendWithRetry(
    {
      service: "Webhook",
      method: "POST",
      url,
      headers: token ? { authorization: `Bearer ${token.reveal()}` } : {},
      json: payload,
      timeoutMs: ctx.timeoutMs,
    },
    ctx.retry,
  );
  if (answer.status < 200 || answer.status >= 300)
    failFromStatus("Webhook", answer, "check the receiver named by notify.webhook.url, then run the same command again");
  return { status: answer.status };
}

export class JsonWebhookNotifier implements WebhookNotifier {
  constructor(
    private readonly url: Secret,
    private readonly token: Secret | undefined,
    private readonly ctx: NotifyContext,
  ) {}
  post(payload: unknown): Promise<{ status: number }> {
    return postWebhook(this.url, this.token, payload, this.ctx);
  }
}
