// People's text in every channel arrives as text: no Slack mention or link, no Markdown link or
// HTML in Teams, no markup in the e-mail or the status page, no header from a subject. And the
// message is written from the record: verification figures when present, "not yet" when absent.

import { describe, expect, it } from "vitest";
import type { Incident, TimelineEvent } from "../../src/domain/types.js";
import { buildAnnouncement } from "../../src/announce/model.js";
import { renderEmail, renderSlack, renderStatusPage, renderStatusUpdate, renderTeams, renderWebhook } from "../../src/announce/render.js";
import { mergeUpdate } from "../../src/announce/status-document.js";
import { headerSafe } from "../../src/adapters/notify/email.js";
import { stageFromRecord, parseStage } from "../../src/announce/stages.js";

const ZWJ = "\u200d";

function incident(over: Partial<Incident> = {}, data: Record<string, unknown> = {}): Incident {
  return {
    id: "inc_1",
    ticket: "ENG-9",
    title: "Login broken",
    priority: "P1",
    criteria: [],
    status: "open",
    discoveredAt: "2026-03-02T09:15:00.000Z",
    deadlineAt: "2026-03-02T13:15:00.000Z",
    branch: "hotfix/ENG-9-login-broken",
    base: "main",
    remote: "origin",
    createdAt: "2026-03-02T09:16:00.000Z",
    updatedAt: "2026-03-02T09:16:00.000Z",
    data,
    ...over,
  };
}

const ev = (seq: number, kind: string, at: string, data: Record<string, unknown> = {}): TimelineEvent => ({
  incidentId: "inc_1",
  seq,
  at,
  recordedAt: at,
  actor: "t",
  kind,
  data,
  prevHash: "",
  hash: "",
});
const now = new Date("2026-03-02T11:00:00Z");

// input → what must not survive, per channel
const HOSTILE = {
  slackMentions: "<!channel> <!here> <@U024BE7LH> <!subteam^S123>",
  slackLink: "<http://evil.example|click me>",
  at: "@channel @here @everyone",
  markdownLink: "[reset your password](http://evil.example)",
  html: '<img src=x onerror="alert(1)"><script>x()</script>',
  amp: "Q&A &lt;already&gt;",
};

describe("escaping per channel", () => {
  const text = Object.values(HOSTILE).join(" ");
  const inc = incident(
    { title: text.slice(0, 190) },
    { impact: text, rootCause: text, whatWasBroken: text, public: { title: "", summary: text } },
  );
  const view = buildAnnouncement(inc, [], "identified", { now });

  it("Slack mrkdwn: mentions, special mentions and links are inert (& < > escaped, @ broken)", async () => {
    const m = await renderSlack(view, null);
    const all = [m.text, ...m.blocks.map((b) => (b.text as { text: string }).text)].join("\n");
    expect(all).not.toMatch(/<[!@#]/);
    expect(all).not.toContain("<http");
    expect(all).toContain("&lt;!channel&gt;");
    expect(all).toContain(`&lt;@${ZWJ}U024BE7LH&gt;`);
    expect(all).toContain("&lt;http://evil.example|click me&gt;");
    expect(all).toContain(`@${ZWJ}channel @${ZWJ}here @${ZWJ}everyone`);
    expect(all).toContain("Q&amp;A &amp;lt;already&amp;gt;");
    // The template's own markup stays markup.
    expect(all).toContain("*Root cause*");
  });

  it("Teams Markdown: links, HTML and mentions are text", async () => {
    const card = await renderTeams(view, null);
    const all = (card.attachments[0]!.content.body as { text: string }[]).map((b) => b.text).join("\n");
    expect(all).not.toMatch(/(?<!\\)\[reset/);
    expect(all).toContain("\\[reset your password\\](http://evil.example)");
    expect(all).not.toContain("<img");
    expect(all).not.toContain("<at>");
    expect(all).toContain(`@${ZWJ}everyone`);
    expect(all).toContain("**Root cause**");
  });

  it("HTML e-mail and the static status page: markup is escaped; the subject is one header line", async () => {
    const mail = await renderEmail(view, null);
    expect(mail.html).not.toContain("<img");
    expect(mail.html).not.toContain("<script");
    expect(mail.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(mail.text).toContain(HOSTILE.html); // plain text stays as typed: a mail client shows it as text

    const injected = buildAnnouncement(incident({ title: "Outage\r\nBcc: attacker@evil.test\nX-Priority: 1" }), [], "identified", { now });
    const subject = (await renderEmail(injected, null)).subject;
    expect(subject).toBe("[Identified] Outage Bcc: attacker@evil.test X-Priority: 1");
    expect(subject).not.toMatch(/[\r\n]/);
    expect(headerSafe("a\u2028b\u0000c")).toBe("a b c");

    const u = await renderStatusUpdate(view, null);
    const doc = mergeUpdate(
      null,
      "Acme <status>",
      { id: "ENG-9", name: u.name, impact: "major" },
      { stage: "identified", stageLabel: "Identified", body: text, at: now.toISOString() },
    );
    const html = await renderStatusPage(doc, null);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script>x");
    expect(html).toContain("<title>Acme &lt;status&gt;</title>");
  });

  it("the webhook JSON carries the text as data", async () => {
    const json = await renderWebhook(view, null);
    expect((json.incident as { impact: string }).impact).toBe(text);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe("the message from the record", () => {
  it("shows the timeline, root cause, fix, verification figures, PR and follow-ups", async () => {
    const inc = incident(
      { status: "verified" },
      {
        impact: "Every user with an expired session kept access",
        rootCause: "exp was never compared with now",
        pr: { number: 12, url: "https://github.example/acme/api/pull/12" },
        verification: {
          production: {
            summary: "Fix confirmed after 6 minutes",
            figures: ["error rate 450/min → 0/min", { name: "p95 latency", before: 310, after: 120, unit: " ms" }],
          },
        },
        followups: [{ title: "Alert on token expiry errors", url: "https://linear.example/ENG-10" }],
      },
    );
    const events = [
      ev(1, "commit.created", "2026-03-02T09:40:00Z", { subject: "fix: reject expired tokens" }),
      ev(2, "release.tagged", "2026-03-02T09:55:00Z", { tag: "v1.4.3" }),
      ev(3, "deploy.production.done", "2026-03-02T10:05:00Z", {}),
    ];
    const v = buildAnnouncement(inc, events, "resolved", { now, backportTargets: ["develop"] });
    const m = await renderSlack(v, null);
    const t = m.blocks.map((b) => (b.text as { text: string }).text).join("\n\n");
    expect(t).toContain("*Resolved: [P1] ENG-9 Login broken*");
    expect(t).toContain("• Discovered: 2026-03-02 09:15 UTC");
    expect(t).toContain("• Fix deployed: 2026-03-02 10:05 UTC (v1.4.3)");
    expect(t).toContain("• Resolved: 2026-03-02 11:00 UTC");
    expect(t).toContain("• Duration: 1h 45m (discovered → resolved)");
    expect(t).toContain("exp was never compared with now");
    expect(t).toContain("• fix: reject expired tokens");
    expect(t).toContain("Fix confirmed after 6 minutes");
    expect(t).toContain("• error rate 450/min → 0/min");
    expect(t).toContain("• p95 latency 310 ms → 120 ms");
    expect(t).toContain("#12 https://github.example/acme/api/pull/12");
    expect(t).toContain("• Post-incident review by 2026-03-05 11:00 UTC");
    expect(t).toContain("• Carry the fix to develop");
    expect(t).toContain("• Alert on token expiry errors (https://linear.example/ENG-10)");
    const card = await renderTeams(v, null);
    expect(card.attachments[0]!.content.actions).toEqual([
      { type: "Action.OpenUrl", title: "Pull request #12", url: "https://github.example/acme/api/pull/12" },
    ]);
    const mail = await renderEmail(v, null);
    expect(mail.text).toContain("A fix was deployed at 2026-03-02 10:05 UTC and confirmed in production.");
  });

  it("renders gracefully when nothing is recorded yet", async () => {
    const v = buildAnnouncement(incident(), [], "investigating", { now });
    const t = (await renderSlack(v, null)).blocks.map((b) => (b.text as { text: string }).text).join("\n\n");
    expect(t).toContain("_Not recorded yet._");
    expect(t).toContain("_Not identified yet._");
    expect(t).toContain("_No fix committed yet._");
    expect(t).toContain("_Not verified in production yet._");
    expect(t).toContain("_None yet._");
    expect(t).toContain("• Duration: 1h 45m (since discovery, ongoing)");
    expect(t).toContain("Post-incident review within 72 hours of resolution");
  });

  it("picks the stage from the record when none is given", () => {
    expect(stageFromRecord(incident())).toBe("investigating");
    expect(stageFromRecord(incident({}, { rootCause: "x" }))).toBe("identified");
    expect(stageFromRecord(incident({ status: "shipped" }))).toBe("monitoring");
    expect(stageFromRecord(incident({ status: "verified" }))).toBe("resolved");
    expect(() => parseStage("fixed")).toThrow(/not a stage/);
  });
});
