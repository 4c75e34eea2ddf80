// A generic JSON webhook: the announcement POSTed as JSON. Adapter: adapters/notify/webhook.ts.

export interface WebhookNotifier {
  /** Any 2xx is delivered; returns the HTTP status. */
  post(payload: unknown): Promise<{ status: number }>;
}
