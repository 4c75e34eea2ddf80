// What every notification adapter is given: how long to wait for an answer and how to retry.

import type { RetryRules } from "./http.js";

export interface NotifyContext {
  timeoutMs: number;
  retry: RetryRules;
}
