// Each channel's message from the announcement view, through the team's templates (or the
// defaults): Slack blocks, a Teams Adaptive Card, the Statuspage name and body, the e-mail's
// subject, text and HTML, the static page, and the generic webhook's JSON. Rendering sends nothing,
// so --preview and the senders use the very same text.

import { renderTemplate } from "../render/template.js";
import { loadTemplate, type TemplateName } from "../render/templates/index.js";
import type { SlackMessage } from "../adapters/notify/slack.js";
import type { TeamsMessage } from "../adapters/notify/teams.js";
import type { StatusDocument } from "../adapters/notify/static-page.js";
import { headerSafe } from "../adapters/notify/header-safe.js";
import type { AnnouncementView } from "./model.js";
import type { NotifyChannel } from "./stages.js";

async function render(repoRoot: string | null, name: TemplateName, view: object): Promise<string> {
  const t = await loadTemplate(repoRoot, name);
  return renderTemplate(t.text, view as Record<string, unknown>, t.channel, t.source).replace(/\n{3,}/g, "\n\n");
}

/** Paragraphs (split at blank lines), packed into pieces of at most `max` characters. */
function pack(text: string, max: number): string[] {
  const out: string[] = [];
  let cur = "";
  for (const para of text.trim().split(/\n{2,}/)) {
    const p = para.length > max ? para.slice(0, max - 1) + "…" : para;
    if (cur && cur.length + 2 + p.length > max) {
      out.push(cur);
      cur = p;
    } else cur = cur ? `${cur}\n\n${p}` : p;
  }
  if (cur) out.push(cur);
  return out;
}

// Slack: a section's text is at most 3000 characters and a message at most 50 blocks.
export async function renderSlack(view: AnnouncementView, repoRoot: string | null): Promise<SlackMessage> {
  const text = await render(repoRoot, "slack.txt", view);
  const blocks = pack(text, 3000)
    .slice(0, 50)
    .map((t) => ({ type: "section", text: { type: "mrkdwn", text: t } }));
  // The notification and screen-reader text: the first line, already escaped for mrkdwn.
  return { text: (text.trim().split("\n")[0] ?? "").slice(0, 3000), blocks };
}

export async function renderTeams(view: AnnouncementView, repoRoot: string | null): Promise<TeamsMessage> {
  const text = await render(repoRoot, "teams.md", view);
  const paragraphs = text.trim().split(/\n{2,}/);
  const body = paragraphs.map((p, i) =>
    i === 0
      ? { type: "TextBlock", text: p, wrap: true, size: "Large", weight: "Bolder" }
      : { type: "TextBlock", text: p, wrap: true, ...(/^\*\*[^*]+\*\*$/.test(p) ? { spacing: "Medium" } : {}) },
  );
  const actions = view.prUrl
    ? [{ type: "Action.OpenUrl", title: `Pull request${view.prNumber ? ` #${view.prNumber}` : ""}`, url: view.prUrl }]
    : [];
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body,
          ...(actions.length ? { actions } : {}),
          msteams: { width: "Full" },
        },
      },
    ],
  };
}

/** The public update: the incident's name on the page and this stage's text. */
export async function renderStatusUpdate(view: AnnouncementView, repoRoot: string | null): Promise<{ name: string; body: string }> {
  const name = headerSafe(await render(repoRoot, "statuspage-name.txt", view), 255);
  const body = (await render(repoRoot, "statuspage-body.txt", view)).trim();
  return { name, body };
}

export async function renderEmail(
  view: AnnouncementView,
  repoRoot: string | null,
): Promise<{ subject: string; text: string; html: string }> {
  return {
    subject: headerSafe(await render(repoRoot, "email-subject.txt", view)),
    text: await render(repoRoot, "email.txt", view),
    html: await render(repoRoot, "email.html", view),
  };
}

export async function renderStatusPage(doc: StatusDocument, repoRoot: string | null): Promise<string> {
  const view = {
    page: doc.page.name,
    updatedAt: doc.page.updatedAt.replace("T", " ").slice(0, 16) + " UTC",
    overall: doc.status.indicator,
    overallLabel: doc.status.description,
    operational: doc.status.indicator === "none",
    incidents: doc.incidents.map((i) => ({
      name: i.name,
      stageLabel: i.updates[0]?.stageLabel ?? i.status,
      resolved: i.status === "resolved",
      updates: i.updates.map((u) => ({ stageLabel: u.stageLabel, body: u.body, at: u.at.replace("T", " ").slice(0, 16) + " UTC" })),
    })),
  };
  const t = await loadTemplate(repoRoot, "status-page.html");
  return renderTemplate(t.text, view, t.channel, t.source);
}

/** The generic webhook's JSON: the facts as data, and the text as plain words. */
export async function renderWebhook(view: AnnouncementView, repoRoot: string | null): Promise<Record<string, unknown>> {
  const update = await renderStatusUpdate(view, repoRoot);
  return {
    event: "firebreak.announcement",
    version: 1,
    stage: view.stage,
    at: view.iso.at,
    incident: {
      ticket: view.ticket,
      title: view.title,
      priority: view.priority,
      status: view.status,
      discoveredAt: view.iso.discoveredAt,
      deployedAt: view.iso.deployedAt,
      resolvedAt: view.iso.resolvedAt,
      duration: view.duration,
      impact: view.impact || null,
      whatWasBroken: view.whatWasBroken || null,
      rootCause: view.rootCause || null,
      fixes: view.fixes,
      version: view.version || null,
      verification: { verified: view.verified, summary: view.verificationSummary || null, figures: view.figures },
      pr: view.prNumber ? { number: Number(view.prNumber) || view.prNumber, url: view.prUrl || null } : null,
      followUps: view.followUps,
    },
    public: update,
  };
}

/** A channel's message as a person reads it in the terminal (--preview). */
export async function previewText(
  channel: NotifyChannel,
  view: AnnouncementView,
  repoRoot: string | null,
): Promise<{ text: string; files: Record<string, string> }> {
  switch (channel) {
    case "slack": {
      const m = await renderSlack(view, repoRoot);
      return {
        text: m.blocks.map((b) => (b.text as { text: string }).text).join("\n\n"),
        files: { "slack.json": JSON.stringify(m, null, 2) + "\n" },
      };
    }
    case "teams": {
      const m = await renderTeams(view, repoRoot);
      const blocks = (m.attachments[0]?.content.body ?? []) as { text: string }[];
      return { text: blocks.map((b) => b.text).join("\n\n"), files: { "teams.json": JSON.stringify(m, null, 2) + "\n" } };
    }
    case "statuspage":
    case "statuspage-static": {
      const u = await renderStatusUpdate(view, repoRoot);
      const text = `${u.name}\n[${view.stageLabel}] ${u.body}`;
      return { text, files: { [`${channel}.txt`]: text + "\n" } };
    }
    case "email": {
      const e = await renderEmail(view, repoRoot);
      return {
        text: `Subject: ${e.subject}\n\n${e.text.trim()}`,
        files: { "email-subject.txt": e.subject + "\n", "email.txt": e.text, "email.html": e.html },
      };
    }
    case "webhook": {
      const json = JSON.stringify(await renderWebhook(view, repoRoot), null, 2) + "\n";
      return { text: json.trim(), files: { "webhook.json": json } };
    }
  }
}
