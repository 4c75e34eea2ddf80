// The Slack app's test fixture: a stand-in Slack and the team server on real storage, listening
// on 127.0.0.1 with the Slack app mounted and pointed at the stand-in; signed requests are sent
// over HTTP as Slack sends them.

import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createServerApp } from "../../src/server/app.js";
import type { Logger } from "../../src/server/log.js";
import { SlackStandIn } from "../helpers/slack-contract-server.js";
import { openStorage, type Storage } from "../server/fixture.js";

export interface SlackRig {
  slack: SlackStandIn;
  s: Storage;
  url: string;
  /** Sends a request built by the stand-in (signed unless headers say otherwise). */
  send(r: { path: string; body: string; contentType: string }, headers?: Record<string, string>): Promise<Response>;
  /** Links Slack user `user` to the person token named `name`, as a person would: a code, then /firebreak link. */
  link(user: string, name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startRig(
  kind: "sqlite" | "postgres" = "sqlite",
  opts: { gapMs?: number; log?: Logger; botToken?: string; clockMs?: number; before?: (s: Storage) => Promise<void> } = {},
): Promise<SlackRig> {
  const slack = await new SlackStandIn().start();
  const s = await openStorage(kind);
  await opts.before?.(s);
  const { app, drain } = createServerApp({
    store: s.storage.store,
    records: s.storage.records,
    clock: { now: () => new Date() },
    pollMs: 100,
    ...(opts.log ? { log: opts.log } : {}),
    slack: {
      signingSecret: slack.signingSecret,
      botToken: opts.botToken ?? slack.botToken,
      apiUrl: slack.apiUrl,
      channel: "C_INC",
      privateChannel: "G_SEC",
      gapMs: opts.gapMs ?? 50,
      ...(opts.clockMs ? { clockMs: opts.clockMs } : {}),
    },
  });
  const server: ServerType = await new Promise((resolve) => {
    const srv = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rig: SlackRig = {
    slack,
    s,
    url,
    send: (r, headers) =>
      fetch(url + r.path, {
        method: "POST",
        headers: { "content-type": r.contentType, ...(headers ?? slack.sign(r.body)) },
        body: r.body,
      }),
    async link(user, name) {
      const { code } = await s.storage.records
        .slack()
        .createLinkCode((await s.storage.records.listTokens()).filter((t) => t.name === name).at(-1)!.id);
      const cmd = slack.command(user, `link ${code}`);
      expect200(await rig.send(cmd));
      await slack.waitFor(`the link answer for ${user}`, () => slack.answersTo(cmd.responseId)[0]);
    },
    async stop() {
      await drain();
      await new Promise<void>((r) => server.close(() => r()));
      await slack.stop();
      await s.cleanup();
    },
  };
  return rig;
}

function expect200(res: Response) {
  if (res.status !== 200) throw new Error(`the app answered ${res.status}`);
}
