// The `notify:` section of .firebreak.yml: whom `firebreak announce` tells, and how. Every webhook
// URL, token, API key and password is a secret, so those fields take env:NAME only; the rest are
// plain values. A channel is configured when its block is present.
//
//   notify:
//     channels: [slack, statuspage, email]   # the default set for `firebreak announce`
//     auto: { ship: monitoring, verify: resolved }
//     slack: { webhook: env:SLACK_WEBHOOK_URL }            # or { token: env:SLACK_BOT_TOKEN, channel: C0123 }
//     teams: { webhook: env:TEAMS_WEBHOOK_URL }
//     statuspage: { apiKey: env:STATUSPAGE_API_KEY, pageId: abc123, components: [cmp1] }
//     staticPage: { dir: status-site, title: "Acme status" }
//     email: { from: "Acme <status@acme.example>", recipientsFile: affected.txt, smtp: { host: smtp.acme.example } }
//     webhook: { url: env:INCIDENT_WEBHOOK_URL }

import * as z from "zod";
import { plain, positiveInt, secretRef } from "./schema-parts.js";

export const STAGES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type Stage = (typeof STAGES)[number];

export const NOTIFY_CHANNELS = ["slack", "teams", "statuspage", "statuspage-static", "email", "webhook"] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/** The channels customers read (their templates use the public title); chat and webhooks are the team's. */
export const CUSTOMER_CHANNELS: readonly NotifyChannel[] = ["statuspage", "statuspage-static", "email"];

export const COMPONENT_STATUSES = ["degraded_performance", "partial_outage", "major_outage", "under_maintenance"] as const;

const stage = z.enum(STAGES);
/** One stage or a list of them. */
const stages = z.preprocess((v) => (typeof v === "string" ? [v] : v), z.array(stage));
const httpUrl = () => plain().pipe(z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }));
// A deliberately plain check: one address, no display name, nothing a header could be built from.
export const EMAIL_ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const address = () => plain().refine((v) => EMAIL_ADDRESS.test(v), { message: "must be one e-mail address, e.g. status@acme.example" });
// "Name <addr>" or a bare address, on one line.
const fromAddress = () =>
  plain().refine(
    (v) => {
      const m = /^\s*(?:"?([^"<>\r\n]*)"?\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(v);
      return m !== null && EMAIL_ADDRESS.test((m[2] ?? m[3]) as string);
    },
    { message: 'must be an address, or "Name <address>", on one line' },
  );

const slack = z
  .object({
    // An incoming webhook posts each stage as a new message.
    webhook: secretRef.optional(),
    // The Web API (a bot token with chat:write, and a channel id) threads later stages under the first.
    token: secretRef.optional(),
    channel: plain().optional(),
    apiUrl: httpUrl().default("https://slack.com/api"),
  })
  .refine((s) => s.webhook !== undefined || (s.token !== undefined && s.channel !== undefined), {
    message: "needs webhook: env:NAME, or token: env:NAME with channel: <channel id>",
  });

export const notifySections = {
  notify: z
    .object({
      /** The channels `firebreak announce` uses when --channel is not given; default: every configured one. */
      channels: z.array(z.enum(NOTIFY_CHANNELS)).optional(),
      /** Stages announced on their own when ship (deployed to production) and verify (fix confirmed) finish. */
      auto: z
        .object({
          ship: stages.optional(),
          verify: stages.optional(),
        })
        .prefault({}),
      timeoutSeconds: positiveInt().max(300).default(20),
      /** The longest wait a service's retry-after may ask for before the send is reported as failed. */
      maxRetryWaitSeconds: z.number().int().min(0).max(600).default(60),
      slack: slack.optional(),
      teams: z.object({ webhook: secretRef }).optional(),
      statuspage: z
        .object({
          apiKey: secretRef,
          pageId: plain().regex(/^[A-Za-z0-9]+$/, { message: "must be the page id (letters and digits), from the page's API settings" }),
          components: z.array(plain()).default([]),
          /** How the affected components are shown until the fix is deployed; default by priority. */
          componentStatus: z.enum(COMPONENT_STATUSES).optional(),
          deliverNotifications: z.boolean().default(true),
          apiUrl: httpUrl().default("https://api.statuspage.io/v1"),
        })
        .optional(),
      staticPage: z
        .object({
          dir: plain(),
          title: plain().default("Service status"),
        })
        .optional(),
      email: z
        .object({
          from: fromAddress(),
          to: z.array(address()).optional(),
          /** One address per line; blank lines and lines starting with # are skipped. */
          recipientsFile: plain().optional(),
          replyTo: address().optional(),
          batchSize: positiveInt().max(1000).default(50),
          /** Write each batch as an .eml file in this folder instead of sending it over SMTP. */
          outDir: plain().optional(),
          smtp: z
            .object({
              host: plain().default("localhost"),
              port: z.number().int().min(1).max(65535).default(587),
              secure: z.boolean().default(false),
              user: plain().optional(),
              password: secretRef.optional(),
            })
            .prefault({}),
        })
        .refine((e) => e.to !== undefined || e.recipientsFile !== undefined, { message: "needs to: [addresses] or recipientsFile: <path>" })
        .optional(),
      webhook: z
        .object({
          url: secretRef,
          /** Sent as Authorization: Bearer <token>. */
          token: secretRef.optional(),
        })
        .optional(),
    })
    .prefault({}),
};
