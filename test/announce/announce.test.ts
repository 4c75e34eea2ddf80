// firebreak announce end to end: the built CLI, a real incident, and local receivers that answer
// like Slack, Teams, Statuspage, a webhook and an SMTP server.

import { afterEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ALL_CHANNELS, HOOK_SECRET, SLACK_SECRET, TEAMS_SECRET, TICKET, setupAnnounce, timeline, type AnnounceFixture } from "./fixture.js";

let f: AnnounceFixture | null = null;
afterEach(async () => {
  await f?.cleanup();
  f = null;
});

const secretsIn = (text: string) =>
  [SLACK_SECRET, TEAMS_SECRET, HOOK_SECRET].filter((s) => text.includes(s) || text.includes(s.split("/").pop()!));

describe("firebreak announce", () => {
  it("sends one stage to every channel in each service's format, and a re-run sends nothing again", async () => {
    f = await setupAnnounce();
    expect((await f.cli(["note", "--impact", "Customers with an expired session kept access for 40 minutes"])).code).toBe(0);
    const r = await f.cli(["announce", "--stage", "investigating"]);
    expect(r.code, r.stderr).toBe(0);
    for (const c of ["slack", "teams", "statuspage", "statuspage-static", "email", "webhook"])
      expect(r.stdout).toMatch(new RegExp(`✔ ${c}\\s+sent`));

    // Slack incoming webhook: text plus mrkdwn section blocks.
    const [slack] = f.rx.to("/slack/hook/");
    expect(slack!.json.text).toContain(`Investigating: [P1] ${TICKET} Expired tokens accepted`);
    expect(slack!.json.blocks[0]).toMatchObject({ type: "section", text: { type: "mrkdwn" } });
    const slackText = slack!.json.blocks.map((b: any) => b.text.text).join("\n");
    expect(slackText).toContain("Customers with an expired session kept access for 40 minutes");
    expect(slackText).toContain("• Discovered: 2026-03-02 09:15 UTC");
    expect(slackText).toContain("Not verified in production yet.");

    // Teams: a message with one Adaptive Card attachment.
    const [teams] = f.rx.to("/teams/");
    expect(teams!.json.type).toBe("message");
    const card = teams!.json.attachments[0];
    expect(card.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.content).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
    expect(card.content.body[0]).toMatchObject({ type: "TextBlock", weight: "Bolder", wrap: true });

    // Statuspage: POST /v1/pages/{page_id}/incidents with OAuth, the stage and the components.
    // (Before it creates, firebreak asks the page whether this incident is there already: a GET.)
    const [created] = f.rx.to("/statuspage/").filter((r) => r.method !== "GET");
    expect(created!.method).toBe("POST");
    expect(created!.path).toBe("/statuspage/v1/pages/page1/incidents");
    expect(created!.headers.authorization).toBe(`OAuth ${f.rx.statuspageKey}`);
    expect(created!.json.incident).toMatchObject({
      name: "Expired tokens accepted",
      status: "investigating",
      component_ids: ["cmpapi", "cmplogin"],
      components: { cmpapi: "major_outage", cmplogin: "major_outage" },
      deliver_notifications: true,
    });
    expect(created!.json.incident.body).toContain("We are investigating");

    // Static page: HTML and JSON in the folder.
    const status = JSON.parse(readFileSync(join(f.statusDir, "status.json"), "utf8"));
    expect(status.incidents[0]).toMatchObject({ id: TICKET, name: "Expired tokens accepted", status: "investigating", impact: "major" });
    expect(status.status.indicator).toBe("major");
    expect(readFileSync(join(f.statusDir, "index.html"), "utf8")).toContain("<strong>Investigating</strong>: We are investigating");

    // E-mail: three recipients in batches of two, each in Bcc, nobody twice.
    expect(f.mail.messages).toHaveLength(2);
    expect(f.mail.messages.flatMap((m) => m.to).sort()).toEqual([...f.recipients].sort());
    const mail = f.mail.messages[0]!.parsed;
    expect(mail.subject).toBe("[Investigating] Expired tokens accepted");
    expect(mail.html).toContain('<h2 style="font-size: 16px;">What happened</h2>');
    expect(mail.text).toContain("We became aware of it at 2026-03-02 09:15 UTC.");
    expect(mail.headers.get("bcc")).toBeUndefined();

    // Generic webhook: the facts as JSON.
    const [hook] = f.rx.to("/hook/");
    expect(hook!.json).toMatchObject({
      event: "firebreak.announcement",
      stage: "investigating",
      incident: { ticket: TICKET, priority: "P1", impact: "Customers with an expired session kept access for 40 minutes" },
    });

    const events = await timeline(f);
    const sent = events.filter((e) => e.kind === "announce.sent");
    expect(sent.map((e) => e.data.channel).sort()).toEqual([
      "email",
      "email",
      "slack",
      "statuspage",
      "statuspage-static",
      "teams",
      "webhook",
    ]);
    for (const e of sent) expect(e.data).toMatchObject({ stage: "investigating", summary: expect.any(String) });

    // The same command again: every channel replays from the journal.
    const before = f.rx.requests.length;
    const again = await f.cli(["announce", "--stage", "investigating", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().outcomes.map((o: any) => o.state)).toEqual(Array(6).fill("already-sent"));
    expect(f.rx.requests.length).toBe(before);
    expect(f.mail.messages).toHaveLength(2);

    const s = (await f.cli(["status", "--json"])).json();
    expect(s.incident.data.announcements.investigating.statuspage).toMatchObject({ state: "sent", statuspageId: "inc1abc" });
  });

  it("updates the Statuspage incident and threads Slack replies under the first message through later stages", async () => {
    f = await setupAnnounce({
      notify: `
  slack:
    token: env:SLACK_BOT
    channel: C0INCIDENT
    apiUrl: $RX/slack/api
  statuspage:
    apiKey: env:SP_KEY
    pageId: page1
    components: [cmpapi]
    apiUrl: $RX/statuspage/v1
`,
    });
    expect((await f.cli(["announce", "--stage", "identified"])).code).toBe(0);
    const r = await f.cli(["announce", "--stage", "resolved", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().resolvedRecorded).toBe(true);

    const posts = f.rx.to("/slack/api/chat.postMessage");
    expect(posts).toHaveLength(2);
    expect(posts[0]!.headers.authorization).toBe(`Bearer ${f.rx.slackToken}`);
    expect(posts[0]!.json).toMatchObject({ channel: "C0INCIDENT" });
    expect(posts[0]!.json.thread_ts).toBeUndefined();
    expect(posts[1]!.json).toMatchObject({ channel: "C0INCIDENT", thread_ts: "1700000000.000100", reply_broadcast: true });

    const sp = f.rx.to("/statuspage/").filter((r) => r.method !== "GET");
    expect(sp.map((x) => x.method)).toEqual(["POST", "PATCH"]);
    expect(sp[1]!.path).toBe("/statuspage/v1/pages/page1/incidents/inc1abc");
    expect(sp[1]!.json.incident).toMatchObject({ status: "resolved", components: { cmpapi: "operational" } });
    expect(f.rx.incidentsOnPage()).toHaveLength(1);

    const events = await timeline(f);
    expect(events.filter((e) => e.kind === "announce.resolved")).toHaveLength(1);
    const data = (await f.cli(["status", "--json"])).json().incident.data.announcements;
    expect(data.identified.slack).toMatchObject({ state: "sent", ts: "1700000000.000100" });
    expect(data.resolved.slack).toMatchObject({ threadTs: "1700000000.000100" });

    // Announcing the resolution again records nothing new.
    expect((await f.cli(["announce", "--stage", "resolved"])).code).toBe(0);
    expect((await timeline(f)).filter((e) => e.kind === "announce.resolved")).toHaveLength(1);
  });

  it("one channel failing does not stop the others; exit 9, and the re-run sends only what failed", async () => {
    f = await setupAnnounce();
    f.rx.answerNext("/slack/hook/", { status: 404, body: "no_service" });
    const r = await f.cli(["announce", "--stage", "identified"]);
    expect(r.code).toBe(9);
    expect(r.stdout).toMatch(/✖ slack\s+FAILED: Slack: refused the message \(HTTP 404: no_service\)/);
    for (const c of ["teams", "statuspage", "statuspage-static", "email", "webhook"])
      expect(r.stdout).toMatch(new RegExp(`✔ ${c}\\s+sent`));
    expect(f.mail.messages).toHaveLength(2);
    expect(secretsIn(r.stdout + r.stderr)).toEqual([]);

    const again = await f.cli(["announce", "--stage", "identified", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    const states = Object.fromEntries(again.json().outcomes.map((o: any) => [o.channel, o.state]));
    expect(states).toEqual({
      slack: "sent",
      teams: "already-sent",
      statuspage: "already-sent",
      "statuspage-static": "already-sent",
      email: "already-sent",
      webhook: "already-sent",
    });
    expect(f.rx.to("/slack/hook/")).toHaveLength(2);
    expect(f.rx.to("/teams/")).toHaveLength(1);
    expect(f.mail.messages).toHaveLength(2);
  });

  it("honours Slack's 429 retry-after: waits, then posts once", async () => {
    f = await setupAnnounce({ notify: `\n  slack:\n    webhook: env:CHAT_URL_SLACK\n` });
    f.rx.answerNext("/slack/hook/", { status: 429, body: "rate_limited", headers: { "retry-after": "1" } });
    const r = await f.cli(["announce", "--stage", "identified"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Slack is rate limiting (HTTP 429): waiting 1 s");
    const posts = f.rx.to("/slack/hook/");
    expect(posts).toHaveLength(2);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect((await timeline(f)).filter((e) => e.kind === "announce.sent")).toHaveLength(1);
  });

  it("a retry-after longer than allowed fails the channel without posting", async () => {
    f = await setupAnnounce({ notify: `\n  maxRetryWaitSeconds: 2\n  slack:\n    webhook: env:CHAT_URL_SLACK\n` });
    f.rx.answerNext("/slack/hook/", { status: 429, headers: { "retry-after": "120" } });
    const r = await f.cli(["announce", "--stage", "identified"]);
    expect(r.code).toBe(9);
    expect(r.stdout).toContain("asked to wait 120 s");
    expect(f.rx.to("/slack/hook/")).toHaveLength(1);
  });

  it("--preview sends nothing, shows every channel and writes the payloads with --out", async () => {
    f = await setupAnnounce();
    const out = join(f.fx.root, "preview");
    const r = await f.cli(["announce", "--stage", "monitoring", "--preview", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("nothing has been sent");
    for (const c of ["slack", "teams", "statuspage", "statuspage-static", "email", "webhook"]) expect(r.stdout).toContain(`── ${c} `);
    expect(f.rx.requests).toHaveLength(0);
    expect(f.mail.messages).toHaveLength(0);
    expect(existsSync(f.statusDir)).toBe(false);
    expect(readdirSync(out).sort()).toEqual([
      "email-subject.txt",
      "email.html",
      "email.txt",
      "slack.json",
      "statuspage-static",
      "statuspage-static.txt",
      "statuspage.txt",
      "teams.json",
      "webhook.json",
    ]);
    expect(JSON.parse(readFileSync(join(out, "slack.json"), "utf8")).blocks[0].type).toBe("section");
    expect(
      (await timeline(f)).some(
        (e) => (e.kind.startsWith("announce.") && e.kind !== "announce.public-text") || String(e.data.key ?? "").startsWith("announce:"),
      ),
    ).toBe(false);
  });

  it("--preview works with no notify config at all", async () => {
    f = await setupAnnounce({ notify: " {}\n" });
    const r = await f.cli(["announce", "--preview", "--channel", "slack,email"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Preview of the investigating announcement");
    expect(r.stderr).not.toContain("No notify channel is configured");
    // Without --channel the preview shows every kind there is, and says none is set up.
    const all = await f.cli(["announce", "--preview"]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toContain("No notify channel is configured: this shows every kind of channel there is.");
    const send = await f.cli(["announce"]);
    expect(send.code).toBe(7);
    expect(send.stderr).toContain("No channel to announce on");
  });

  it("a send that times out after it left is 'possibly sent' and is not repeated without --resend", async () => {
    f = await setupAnnounce({
      notify: `\n  timeoutSeconds: 1\n  teams:\n    webhook: env:TEAMS_ENDPOINT\n  webhook:\n    url: env:GENERIC_ENDPOINT\n`,
    });
    f.rx.answerNext("/teams/", "hang");
    const r = await f.cli(["announce", "--stage", "identified"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\? teams\s+POSSIBLY SENT: identified message possibly sent: the request was sent but no answer within 1 s/);
    expect(r.stdout).toMatch(/✔ webhook\s+sent/);
    expect(r.stdout).toContain("--resend teams");

    const again = await f.cli(["announce", "--stage", "identified"]);
    expect(again.stdout).toMatch(/\? teams\s+POSSIBLY SENT/);
    expect(f.rx.to("/teams/")).toHaveLength(1);

    const resend = await f.cli(["announce", "--stage", "identified", "--resend", "teams"]);
    expect(resend.code, resend.stderr).toBe(0);
    expect(resend.stdout).toMatch(/✔ teams\s+sent/);
    expect(f.rx.to("/teams/")).toHaveLength(2);
    expect(f.rx.to("/hook/")).toHaveLength(1);
  });

  it("never shows a webhook URL: not in output, errors or the record", async () => {
    f = await setupAnnounce({ notify: ALL_CHANNELS });
    // A refused connection: the error must not name the URL it could not reach.
    const dead = { CHAT_URL_SLACK: `http://127.0.0.1:9/slack/hook/${SLACK_SECRET}` };
    const r1 = await f.cli(["announce", "--stage", "identified"], dead);
    expect(r1.code).toBe(9);
    expect(r1.stdout).toMatch(/✖ slack\s+FAILED: Slack: the connection failed/);
    const r2 = await f.cli(["announce", "--stage", "identified", "--json"]);
    const log = await f.cli(["log", "--json"]);
    const status = await f.cli(["status", "--json"]);
    for (const r of [r1, r2, log, status]) expect(secretsIn(r.stdout + r.stderr)).toEqual([]);
    expect(log.stdout).toContain("announce.sent");
  });

  it("uses the team's templates, and a newline in people's text never becomes an e-mail header", async () => {
    f = await setupAnnounce({
      notify: `\n  slack:\n    webhook: env:CHAT_URL_SLACK\n  email:\n    from: status@acme.test\n    to: [ana@customer.test]\n    smtp: { host: 127.0.0.1, port: $SMTP }\n`,
      templates: { "email-subject.txt": "Incident: {{impact}}", "slack.txt": "{{ticket}} is {{stageLabel}}: {{impact}}\n" },
    });
    expect((await f.cli(["note", "--impact", "Logins fail\r\nBcc: attacker@evil.test\nX-Injected: yes <!channel>"])).code).toBe(0);
    const r = await f.cli(["announce", "--stage", "identified"]);
    expect(r.code, r.stderr).toBe(0);
    expect(f.rx.to("/slack/hook/")[0]!.json.text).toBe(`${TICKET} is Identified: Logins fail`);
    expect(f.rx.to("/slack/hook/")[0]!.json.blocks[0].text.text).toContain("X-Injected: yes &lt;!channel&gt;");
    expect(f.mail.messages).toHaveLength(1);
    const m = f.mail.messages[0]!;
    expect(m.to).toEqual(["ana@customer.test"]);
    expect(m.parsed.subject).toBe("Incident: Logins fail Bcc: attacker@evil.test X-Injected: yes <!channel>");
    expect(m.parsed.headers.has("x-injected")).toBe(false);
    expect(m.parsed.headers.has("bcc")).toBe(false);
  });
});
