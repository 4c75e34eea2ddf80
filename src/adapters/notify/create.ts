// Builds each channel's notifier from notify.<channel> in .firebreak.yml, on first use: a channel
// that is not configured, or whose secret is missing, fails when it is asked for, so the other
// channels of the same announcement still go out. Every secret is registered for redaction as it
// is read; the SMTP password also as the user:password pair an AUTH exchange may echo.

import { isAbsolute, join } from "node:path";
import type { Config } from "../../config/schema.js";
import { resolveSecret, type Secret } from "../../config/secrets.js";
import { FirebreakError } from "../../errors.js";
import type { Notifiers } from "../../ports/notifier.js";
import { registerCredentialPair, registerSecret } from "../../redact.js";
import type { NotifyContext } from "./context.js";
import { EmailBatches, openEmlWriter, openSmtp } from "./email.js";
import { SlackApiNotifier, SlackWebhookNotifier } from "./slack.js";
import { StaticPageFolder } from "./static-page.js";
import { StatuspageApiNotifier } from "./statuspage.js";
import { TeamsWebhookNotifier } from "./teams.js";
import { JsonWebhookNotifier } from "./webhook.js";

export interface NotifiersContext {
  notify: Config["notify"];
  env: NodeJS.ProcessEnv;
  /** Relative folders in the config (the static page, the .eml outbox) are under it. */
  repoRoot: string;
  net: NotifyContext;
}

export function notConfigured(channel: string, key: string): FirebreakError {
  return new FirebreakError({
    code: "CHANNEL_NOT_CONFIGURED",
    message: `${channel} is not configured (no notify.${key} in .firebreak.yml).`,
    next: `add notify.${key} to .firebreak.yml (see docs/announce.md), or leave ${channel} out of --channel`,
  });
}

const under = (root: string, dir: string) => (isAbsolute(dir) ? dir : join(root, dir));

export function createNotifiers(ctx: NotifiersContext): Notifiers {
  const { notify, net } = ctx;
  const secret = (ref: string, where: string): Secret => {
    const s = resolveSecret(ref, ctx.env, where);
    registerSecret(s.reveal());
    return s;
  };
  return {
    slack() {
      const cfg = notify.slack;
      if (!cfg) throw notConfigured("slack", "slack");
      if (cfg.token && cfg.channel)
        return new SlackApiNotifier({ apiUrl: cfg.apiUrl, token: secret(cfg.token, "notify.slack.token"), channel: cfg.channel }, net);
      // The schema asks for a webhook when there is no token and channel.
      return new SlackWebhookNotifier(secret(cfg.webhook!, "notify.slack.webhook"), net);
    },
    teams() {
      const cfg = notify.teams;
      if (!cfg) throw notConfigured("teams", "teams");
      return new TeamsWebhookNotifier(secret(cfg.webhook, "notify.teams.webhook"), net);
    },
    statuspage() {
      const cfg = notify.statuspage;
      if (!cfg) throw notConfigured("statuspage", "statuspage");
      return new StatuspageApiNotifier(
        { apiUrl: cfg.apiUrl, apiKey: secret(cfg.apiKey, "notify.statuspage.apiKey"), pageId: cfg.pageId },
        net,
      );
    },
    staticPage() {
      const cfg = notify.staticPage;
      if (!cfg) throw notConfigured("statuspage-static", "staticPage");
      return new StaticPageFolder(under(ctx.repoRoot, cfg.dir), cfg.dir);
    },
    email() {
      const cfg = notify.email;
      if (!cfg) throw notConfigured("email", "email");
      const password = cfg.smtp.password ? secret(cfg.smtp.password, "notify.email.smtp.password") : undefined;
      // The server may echo the AUTH exchange: the base64 of user and password together.
      if (password) registerCredentialPair(cfg.smtp.user, password.reveal());
      // With outDir each batch becomes an .eml file there instead of an SMTP send.
      if (cfg.outDir) return new EmailBatches(openEmlWriter());
      return new EmailBatches(openSmtp({ ...cfg.smtp, password, timeoutMs: net.timeoutMs }));
    },
    webhook() {
      const cfg = notify.webhook;
      if (!cfg) throw notConfigured("webhook", "webhook");
      return new JsonWebhookNotifier(
        secret(cfg.url, "notify.webhook.url"),
        cfg.token ? secret(cfg.token, "notify.webhook.token") : undefined,
        net,
      );
    },
  };
}
