// A repository with an incident started through the built CLI, a .firebreak.yml whose notify
// section points every channel at the local receivers, and the secrets in the environment.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { firebreak, type CliResult } from "../helpers/cli.js";
import { MailServer, Receivers } from "./receivers.js";

export const TICKET = "ENG-1234";
// The webhook URL's path is the credential; the variable's name is one redact() would not guess.
export const SLACK_SECRET = "T0001/B0001/Zq8SeCrEtHoOkPaTh4417";
export const TEAMS_SECRET = "webhookb2/7f3e9c1d-SeCrEt-teams-5531";
export const HOOK_SECRET = "h-9Xy7SeCrEtReCeIvEr";

export interface AnnounceFixture {
  fx: GitFixture;
  rx: Receivers;
  mail: MailServer;
  env: Record<string, string>;
  statusDir: string;
  recipients: string[];
  cli(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  cleanup(): Promise<void>;
}

export interface FixtureOptions {
  /** The incident's level (P1 unless said). */
  priority?: "P0" | "P1";
  /** Replaces the whole notify: section (YAML, indented under notify:). Placeholders: $RX, $SMTP, $ROOT. */
  notify?: string;
  recipients?: string[];
  /** Files under .firebreak/templates/ committed before the incident starts. */
  templates?: Record<string, string>;
  title?: string;
}

export const ALL_CHANNELS = `
  timeoutSeconds: 2
  maxRetryWaitSeconds: 5
  slack:
    webhook: env:CHAT_URL_SLACK
  teams:
    webhook: env:TEAMS_ENDPOINT
  statuspage:
    apiKey: env:SP_KEY
    pageId: page1
    components: [cmpapi, cmplogin]
    apiUrl: $RX/statuspage/v1
  staticPage:
    dir: $ROOT/status-site
    title: Acme status
  email:
    from: "Acme Status <status@acme.test>"
    recipientsFile: $ROOT/recipients.txt
    batchSize: 2
    smtp: { host: 127.0.0.1, port: $SMTP, secure: false }
  webhook:
    url: env:GENERIC_ENDPOINT
`;

export async function setupAnnounce(opts: FixtureOptions = {}): Promise<AnnounceFixture> {
  const rx = new Receivers();
  const mail = new MailServer();
  await rx.start();
  await mail.start();
  const fx = makeRepo();
  const fill = (s: string) => s.replaceAll("$RX", rx.url).replaceAll("$SMTP", String(mail.port)).replaceAll("$ROOT", fx.root);
  const files: Record<string, string> = { ".firebreak.yml": `notify:${fill(opts.notify ?? ALL_CHANNELS)}` };
  for (const [name, text] of Object.entries(opts.templates ?? {})) files[`.firebreak/templates/${name}`] = text;
  fx.commit("chore: firebreak config", files);
  fx.git("push", "-q", "origin", "main");
  const recipients = opts.recipients ?? ["ana@customer.test", "bo@customer.test", "cy@customer.test"];
  writeFileSync(join(fx.root, "recipients.txt"), `# affected accounts\n${recipients.join("\n")}\n`);

  const env = {
    CHAT_URL_SLACK: `${rx.url}/slack/hook/${SLACK_SECRET}`,
    TEAMS_ENDPOINT: `${rx.url}/teams/${TEAMS_SECRET}`,
    GENERIC_ENDPOINT: `${rx.url}/hook/${HOOK_SECRET}`,
    SP_KEY: rx.statuspageKey,
    SLACK_BOT: rx.slackToken,
    FIREBREAK_NOW: "2026-03-02T10:00:00Z",
  };
  const cli = (args: string[], extraEnv: Record<string, string> = {}) => firebreak(fx.work, args, { env: { ...env, ...extraEnv } });
  const started = await cli([
    "start",
    TICKET,
    opts.title ?? "Expired tokens accepted",
    "--priority",
    opts.priority ?? "P1",
    "--discovered",
    "2026-03-02T09:15:00Z",
  ]);
  expect(started.code, started.stderr).toBe(0);
  // A P1 tells customers only what a person wrote for them (the internal impact never goes out).
  const summary = await cli([
    "announce",
    "--preview",
    "--channel",
    "webhook",
    "--public-summary",
    "Some customers could still open pages after their session expired.",
  ]);
  expect(summary.code, summary.stderr).toBe(0);
  return {
    fx,
    rx,
    mail,
    env,
    statusDir: join(fx.root, "status-site"),
    recipients,
    cli,
    async cleanup() {
      await rx.stop();
      await mail.stop();
      fx.cleanup();
    },
  };
}

/** The timeline as `firebreak log --json` gives it. */
export async function timeline(f: AnnounceFixture): Promise<{ kind: string; data: any; seq: number }[]> {
  const r = await f.cli(["log", "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return r.json().events;
}
