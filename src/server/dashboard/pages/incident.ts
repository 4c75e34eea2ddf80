// The incident page: header with level, state and clock; the checklist with each item's evidence
// and the next command; the curated timeline; links; the verification charts (the review's own
// renderer); and the actions the viewer's role allows, each a form posted to the same core calls
// as the CLI.

import { roleAtLeast, type Role } from "../../../domain/access.js";
import { LEVELS } from "../../../domain/levels.js";
import type { Incident, TimelineEvent } from "../../../domain/types.js";
import { describeEvent } from "../../../render/describe-event.js";
import { metricSeriesSvg } from "../../../review/metric-chart.js";
import { readMetrics, readPrFacts, readTag } from "../../../review/record.js";
import { incidentState } from "../../../domain/state/state.js";
import { CONFIRMABLE } from "../../../workflow/confirm.js";
import { WAIVABLE } from "../../../workflow/waive.js";
import { html, raw, type Raw } from "../html.js";
import { checklist, pendingPlans, stateLabel, timeline, TIMELINE_FILTERS, type TimelineFilter } from "../model.js";
import { clockView, level, stateBadge, utc } from "./parts.js";

const MARK = { done: "done", waived: "waived", next: "next", todo: "to do", "not-needed": "not needed" } as const;

const httpUrl = (u: unknown): string | undefined => (typeof u === "string" && /^https?:\/\//.test(u) ? u : undefined);

function links(incident: Incident, events: readonly TimelineEvent[]): Raw {
  const state = incidentState(events);
  const pr = readPrFacts(incident);
  const tag = readTag(incident, events, state);
  const items: Raw[] = [];
  if (pr?.number !== undefined) {
    const url = httpUrl(pr.url);
    items.push(
      html`<li>Pull request ${url ? html`<a href="${url}" rel="noreferrer">#${pr.number}</a>` : html`#${pr.number}`}${pr.state ? ` (${pr.state})` : ""}</li>`,
    );
  }
  if (tag) items.push(html`<li>Tag <code>${tag}</code></li>`);
  for (const e of events) {
    const url = httpUrl(e.data.url);
    const summary = typeof e.data.summary === "string" ? e.data.summary : e.kind;
    if (/^deploy\.[\w-]+\.done$/.test(e.kind))
      items.push(html`<li>Deploy: ${summary}${url ? html` <a href="${url}" rel="noreferrer">log</a>` : ""}</li>`);
    else if (e.kind === "backport.pr-opened")
      items.push(html`<li>Backport: ${url ? html`<a href="${url}" rel="noreferrer">${summary}</a>` : summary}</li>`);
    else if (e.kind === "announce.sent" || e.kind === "announce.resolved") items.push(html`<li>Message: ${summary}</li>`);
    else if (e.kind === "review.written")
      items.push(html`<li>Review: <code>${typeof e.data.path === "string" ? e.data.path : summary}</code></li>`);
  }
  return items.length ? html`<ul class="links">${items}</ul>` : html`<p class="muted">No pull request, tag, deploy or message yet.</p>`;
}

function charts(incident: Incident, events: readonly TimelineEvent[]): Raw {
  const metrics = readMetrics(incident, events);
  if (metrics.length === 0)
    return html`<p class="muted">No verification yet: the chart appears when <code>firebreak verify</code> records its first figures.</p>`;
  return html`${metrics.map((m) => html`<figure class="chart">${raw(metricSeriesSvg(m))}<figcaption>${m.name}: baseline ${m.before}, after ${m.after}${m.verdict ? html`, verdict <strong>${m.verdict}</strong>` : ""}${m.rollback ? html`, rolled back (${m.rollback})` : ""}</figcaption></figure>`)}`;
}

/** The live part of the incident page. */
export function incidentFragment(incident: Incident, events: readonly TimelineEvent[], now: Date, filter: TimelineFilter): Raw {
  const state = incidentState(events);
  const rows = checklist(incident, events, state);
  const next = rows.find((r) => r.state === "next");
  return html`<section class="head" aria-label="Summary"><p>${level(incident)} ${LEVELS[incident.priority].kind} · ${stateBadge(stateLabel(incident, state))} · ${clockView(incident, now)} <span class="muted">deadline ${utc(incident.deadlineAt)}</span></p>${next ? html`<p class="next">Next: ${next.item.label} — <code>${next.item.command}</code></p>` : html`<p class="next">Every item at this level is done.</p>`}</section>
<section aria-labelledby="h-checklist"><h2 id="h-checklist">Checklist</h2><ol class="checklist">${rows
    .filter((r) => r.state !== "not-needed")
    .map(
      (r) =>
        html`<li class="item item-${r.state}"><span class="mark">${MARK[r.state]}</span> <span class="label">${r.item.label}</span>${r.evidence ? html` <span class="evidence">${r.evidence.actor}, ${utc(r.evidence.at)}${r.evidence.sha ? html`, <code>${r.evidence.sha.slice(0, 12)}</code>` : ""}${r.evidence.summary ? html`, ${r.evidence.summary}` : ""}</span>` : ""}${r.state === "next" || r.state === "todo" ? html` <code class="cmd">${r.item.command}</code>` : ""}</li>`,
    )}</ol></section>
<section aria-labelledby="h-verify"><h2 id="h-verify">Verification</h2>${charts(incident, events)}</section>
<section aria-labelledby="h-links"><h2 id="h-links">Links</h2>${links(incident, events)}</section>
<section aria-labelledby="h-timeline"><h2 id="h-timeline">Timeline</h2><nav class="tfilters" aria-label="Timeline filter">${Object.keys(
    TIMELINE_FILTERS,
  ).map((k) =>
    k === filter ? html`<strong aria-current="true">${k}</strong> ` : html`<a href="?filter=${k}">${k}</a> `,
  )}</nav><ol class="timeline">${timeline(events, filter).map(
    ({ event: e, backdated }) =>
      html`<li><time datetime="${e.at}">${utc(e.at)}</time> <span class="actor">${e.actor}</span> ${describeEvent(e)}${backdated ? html` <span class="tag" title="${`written ${utc(e.recordedAt)}`}">back-dated</span>` : ""}</li>`,
  )}</ol></section>`;
}

interface ActionOpts {
  role: Role;
  csrf: string;
  events: readonly TimelineEvent[];
}

const hidden = (csrf: string) => html`<input type="hidden" name="csrf" value="${csrf}">`;

/** The forms this role may use; a viewer gets none. */
export function actions(incident: Incident, o: ActionOpts): Raw {
  if (!roleAtLeast(o.role, "responder")) return html``;
  const base = `/ui/incidents/${incident.id}`;
  const forms: Raw[] = [];
  forms.push(
    html`<form method="post" action="${base}/note" class="action">${hidden(o.csrf)}<label for="note-text">Add a note</label><textarea id="note-text" name="text" rows="2" maxlength="4000"></textarea><button type="submit">Add note</button></form>`,
  );
  const confirmable = Object.entries(CONFIRMABLE).filter(([k]) => k !== "staging-verified");
  forms.push(
    html`<form method="post" action="${base}/confirm" class="action">${hidden(o.csrf)}<label for="confirm-item">Confirm a checklist item</label><select id="confirm-item" name="item">${confirmable.map(([k, v]) => html`<option value="${k}">${k}: ${v}</option>`)}</select><button type="submit">Confirm</button></form>`,
  );
  if (roleAtLeast(o.role, "approver") && readPrFacts(incident))
    forms.push(
      html`<form method="post" action="${base}/approve" class="action">${hidden(o.csrf)}<label for="approve-note">Approve the fix (note, optional)</label><input id="approve-note" name="note" maxlength="2000"><button type="submit">Approve</button></form>`,
    );
  if (roleAtLeast(o.role, "commander") && LEVELS[incident.priority].approvalWaivable)
    forms.push(
      html`<form method="post" action="${base}/waive" class="action">${hidden(o.csrf)}<label for="waive-item">Waive at ${incident.priority}</label><select id="waive-item" name="item">${WAIVABLE.map((w) => html`<option value="${w}">${w}</option>`)}</select><label for="waive-reason">Reason (required)</label><textarea id="waive-reason" name="reason" rows="2" maxlength="2000"></textarea><button type="submit">Waive</button></form>`,
    );
  if (roleAtLeast(o.role, "commander"))
    for (const p of pendingPlans(o.events).filter((x) => !x.confirmedBy))
      forms.push(
        html`<form method="post" action="${base}/plans/${p.id}/confirm" class="action action-danger">${hidden(o.csrf)}<p>Plan <code>${p.id}</code> (${p.step}): ${p.summary}</p><label><input type="checkbox" name="sure" value="yes"> I confirm this ${p.step === "rollback" ? "rollback" : p.step}</label><button type="submit">Confirm ${p.step}</button></form>`,
      );
  return html`<section aria-labelledby="h-actions" class="actions"><h2 id="h-actions">Actions</h2>${forms}</section>`;
}

export function incidentBody(incident: Incident, fragment: Raw, actionsPart: Raw, notice: Raw | string): Raw {
  return html`<h1>${incident.ticket} ${incident.title}</h1>${notice}<div id="live-region">${fragment}</div>${actionsPart}`;
}
