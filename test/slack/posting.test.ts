// Posting within Slack's limits and exactly once: a 429 is waited out for its Retry-After and the
// message still goes out once; a burst of events becomes few updates of the one message; and two
// replicas on one PostgreSQL database, both seeing the same new incident, post its message once.

import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event } from "../../src/domain/events/index.js";
import { createServerApp } from "../../src/server/app.js";
import { openServerStore, type ServerStore } from "../../src/store/open-server-store.js";
import { SlackStandIn } from "../helpers/slack-contract-server.js";
import type { Incident } from "../../src/domain/types.js";
import { openStorage, seedIncident, type Storage } from "../server/fixture.js";
import { startRig, type SlackRig } from "./fixture.js";

describe("rate limits", () => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startRig("sqlite", { gapMs: 300 });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it("waits out a 429's Retry-After, then posts the message once", async () => {
    rig.slack.rateLimit("chat.postMessage", 2, 1);
    const incident = await seedIncident(rig.s.storage, { priority: "P1" });
    await rig.slack.waitFor("the message", () => rig.slack.messages.get("C_INC")?.find((m) => m.text.includes(incident.ticket)));
    const tries = rig.slack.calls.filter((c) => c.method === "chat.postMessage");
    expect(tries.map((c) => c.status)).toEqual([429, 429, 200]);
    // Nothing went to the channel before each Retry-After had passed.
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(1000);
    expect(rig.slack.messages.get("C_INC")!.filter((m) => m.text.includes(incident.ticket))).toHaveLength(1);
  });

  it("batches a burst of verification events into a few updates of the one message", async () => {
    const incident = await seedIncident(rig.s.storage, { priority: "P1" });
    const msg = await rig.slack.waitFor("the message", () =>
      rig.slack.messages.get("C_INC")?.find((m) => m.text.includes(incident.ticket)),
    );
    const at = new Date().toISOString();
    for (let i = 0; i < 12; i++)
      await rig.s.storage.store.appendEvent(incident.id, {
        at,
        actor: "watcher",
        ...event("note", { text: `sample ${i}`, summary: `sample ${i}` }),
      });
    await rig.s.storage.store.appendEvent(incident.id, {
      at,
      actor: "watcher",
      ...event("verify.production.verified", { summary: "error rate back to baseline" }),
    });
    await rig.slack.waitFor("the verdict on the message", () => JSON.stringify(msg.blocks).includes("verified on production"));
    const updates = rig.slack.callsOf("chat.update").filter((c) => c.args.ts === msg.ts);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThan(13);
    expect(rig.slack.messages.get("C_INC")!.filter((m) => m.text.includes(incident.ticket))).toHaveLength(1);
  });
});

describe("a poster that died between its post and recording the ts", () => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startRig("sqlite");
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it("finds the posted message in the channel's history and updates it instead of posting again", async () => {
    const incident = await seedIncident(rig.s.storage, { priority: "P1" });
    const msg = await rig.slack.waitFor("the message", () =>
      rig.slack.messages.get("C_INC")?.find((m) => m.text.includes(incident.ticket)),
    );
    for (let i = 0; i < 200 && !(await rig.s.rows("slack_messages")).find((r) => r.incident_id === incident.id && r.ts); i++)
      await new Promise((r) => setTimeout(r, 25));
    const { default: Sqlite } = await import("better-sqlite3");
    const db = new Sqlite(rig.s.sqlitePath);
    try {
      // What a replica that crashed after chat.postMessage leaves: the claim, an old one, without a ts.
      const old = new Date(Date.now() - 120_000).toISOString();
      expect(db.prepare("update slack_messages set ts = null, claimed_at = ? where incident_id = ?").run(old, incident.id).changes).toBe(1);
    } finally {
      db.close();
    }
    await rig.s.storage.store.appendEvent(incident.id, {
      at: new Date().toISOString(),
      actor: "rita",
      ...event("confirm.oncall-notified", { summary: "the on-call engineer was told" }),
    });
    await rig.slack.waitFor("the message updated in place", () => !JSON.stringify(msg.blocks).includes("Confirm on-call told"));
    expect(rig.slack.callsOf("conversations.history").length).toBeGreaterThanOrEqual(1);
    expect(rig.slack.messages.get("C_INC")!.filter((m) => m.text.includes(incident.ticket))).toHaveLength(1);
    const row = (await rig.s.rows("slack_messages")).find((r) => r.incident_id === incident.id);
    expect(row?.ts).toBe(msg.ts);
  });
});

describe("the clock", () => {
  let rig: SlackRig;
  let earlier: Incident;
  beforeAll(async () => {
    rig = await startRig("sqlite", {
      clockMs: 300,
      before: async (s) => {
        earlier = await seedIncident(s.storage, { priority: "P1" });
      },
    });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it("posts an incident that started before the app, and moves its clock without new events", async () => {
    const msg = await rig.slack.waitFor("the earlier incident's message", () =>
      rig.slack.messages.get("C_INC")?.find((m) => m.text.includes(earlier.ticket)),
    );
    const first = msg.text;
    expect(first).toMatch(/overdue by \d+s/);
    await rig.slack.waitFor("the clock updated in place", () => msg.edits > 0 && msg.text !== first);
    expect(rig.slack.messages.get("C_INC")!.filter((m) => m.text.includes(earlier.ticket))).toHaveLength(1);
    expect((await rig.s.storage.store.timeline(earlier.id)).length).toBe(1);
  });
});

describe("two replicas on one PostgreSQL database", () => {
  let s: Storage;
  let second: ServerStore;
  let slack: SlackStandIn;
  const stops: (() => Promise<void>)[] = [];
  const urls: string[] = [];
  beforeAll(async () => {
    slack = await new SlackStandIn().start();
    s = await openStorage("postgres");
    second = await openServerStore({ postgresUrl: s.env.FIREBREAK_DATABASE_URL! });
    for (const storage of [s.storage, second]) {
      const { app, drain } = createServerApp({
        store: storage.store,
        records: storage.records,
        clock: { now: () => new Date() },
        pollMs: 50,
        slack: { signingSecret: slack.signingSecret, botToken: slack.botToken, apiUrl: slack.apiUrl, channel: "C_INC", gapMs: 50 },
      });
      const server: ServerType = await new Promise((resolve) => {
        const srv = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(srv));
      });
      urls.push(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
      stops.push(async () => {
        await drain();
        await new Promise<void>((r) => server.close(() => r()));
      });
    }
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await second?.close();
    await s?.cleanup();
    await slack?.stop();
  });

  it("posts each incident's message once, and both keep it up to date", async () => {
    const incidents = [];
    for (let i = 0; i < 3; i++) incidents.push(await seedIncident(s.storage, { priority: "P1" }));
    for (const incident of incidents)
      await slack.waitFor(`the message of ${incident.ticket}`, () =>
        slack.messages.get("C_INC")?.find((m) => m.text.includes(incident.ticket)),
      );
    // Let both replicas' feeds deliver everything they saw, then count.
    await new Promise((r) => setTimeout(r, 500));
    for (const incident of incidents) expect(slack.messages.get("C_INC")!.filter((m) => m.text.includes(incident.ticket))).toHaveLength(1);
    const rows = await s.rows("slack_messages");
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => typeof r.ts === "string")).toBe(true);
  });

  it("shares the replay cache: a request accepted by one replica is refused by the other", async () => {
    const cmd = slack.command("U1", "help");
    const headers = { "content-type": cmd.contentType, ...slack.sign(cmd.body) };
    const first = await fetch(urls[0]! + cmd.path, { method: "POST", headers, body: cmd.body });
    expect(first.status).toBe(200);
    const again = await fetch(urls[1]! + cmd.path, { method: "POST", headers, body: cmd.body });
    expect(again.status).toBe(401);
    expect(JSON.stringify(await again.json())).toContain("replay");
  });
});
