// Notifiers: one port per announcement channel (src/ports/notify/), since each channel can do
// different things (Slack threads, Statuspage can be asked what it holds, e-mail goes in batches).
// The composition root builds each one on first use from notify.<channel> in .firebreak.yml, so a
// channel's missing secret fails that channel only.

import type { EmailNotifier } from "./notify/email.js";
import type { SlackNotifier } from "./notify/slack.js";
import type { StaticPageNotifier } from "./notify/static-page.js";
import type { StatuspageNotifier } from "./notify/statuspage.js";
import type { TeamsNotifier } from "./notify/teams.js";
import type { WebhookNotifier } from "./notify/webhook.js";

export type * from "./notify/email.js";
export type * from "./notify/slack.js";
export type * from "./notify/static-page.js";
export type * from "./notify/statuspage.js";
export type * from "./notify/teams.js";
export type * from "./notify/webhook.js";

/** Every channel's notifier, each built when first asked for; each throws CHANNEL_NOT_CONFIGURED or a secret's error. */
export interface Notifiers {
  slack(): SlackNotifier;
  teams(): TeamsNotifier;
  statuspage(): StatuspageNotifier;
  staticPage(): StaticPageNotifier;
  email(): EmailNotifier;
  webhook(): WebhookNotifier;
}
