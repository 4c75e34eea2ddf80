// The incidents page: every incident the viewer may see, live, with filters by level, state and
// time; and the incident log (deadlines met or missed) with its CSV export.

import { PRIORITIES, type Incident } from "../../../domain/types.js";
import type { Lease } from "../../../ports/locks.js";
import type { LogRow } from "../../../review/incident-log.js";
import { html, type Raw } from "../html.js";
import { STATES, type StateLabel } from "../model.js";
import { clockView, level, stateBadge, utc } from "./parts.js";

export const SINCE = { all: 0, "24h": 24, "7d": 24 * 7, "30d": 24 * 30 } as const;

export interface ListFilter {
  level: string;
  state: string;
  since: keyof typeof SINCE;
}

export function parseFilter(q: Record<string, string | undefined>): ListFilter {
  const since = (Object.hasOwn(SINCE, q.since ?? "") ? q.since : "all") as keyof typeof SINCE;
  return {
    level: (PRIORITIES as readonly string[]).includes(q.level ?? "") ? q.level! : "",
    state: (STATES as readonly string[]).includes(q.state ?? "") ? q.state! : "",
    since,
  };
}

/** The level and time filters (the state filter needs each incident's timeline: see keepState). */
export function applyFilter(list: Incident[], f: ListFilter, now: Date): Incident[] {
  const from = SINCE[f.since] ? now.getTime() - SINCE[f.since] * 3_600_000 : -Infinity;
  return list.filter((i) => (!f.level || i.priority === f.level) && Date.parse(i.discoveredAt) >= from);
}

/** The state filter: one state, or (by default) every state but resolved and abandoned. */
export const keepState = (label: StateLabel, f: ListFilter): boolean =>
  f.state ? label === f.state : label !== "resolved" && label !== "abandoned";

export const filterQuery = (f: ListFilter) =>
  new URLSearchParams(Object.entries(f).filter(([, v]) => v && v !== "all") as [string, string][]).toString();

function select(name: string, label: string, options: readonly (readonly [string, string])[], value: string): Raw {
  return html`<label>${label} <select name="${name}">${options.map(([v, t]) => html`<option value="${v}"${v === value ? html` selected` : ""}>${t}</option>`)}</select></label>`;
}

export function filterForm(f: ListFilter): Raw {
  return html`<form class="filters" method="get" action="/ui" aria-label="Filter incidents">${select("level", "Level", [["", "any"], ...PRIORITIES.map((p) => [p, p] as const)], f.level)}${select(
    "state",
    "State",
    [["", "active"], ...STATES.map((s) => [s, s] as const)],
    f.state,
  )}${select(
    "since",
    "Discovered",
    [
      ["all", "any time"],
      ["24h", "last 24 hours"],
      ["7d", "last 7 days"],
      ["30d", "last 30 days"],
    ],
    f.since,
  )}<button type="submit">Filter</button></form>`;
}

export interface Row {
  incident: Incident;
  label: StateLabel;
  holder: Lease | undefined;
  next: string | null;
}

/** The live part of the incidents page (the script swaps it when an event arrives). */
export function incidentsFragment(rows: Row[], now: Date): Raw {
  if (rows.length === 0)
    return html`<p class="empty">No incident matches. <a href="/ui?state=resolved">Resolved ones</a> are listed by state.</p>`;
  return html`<table class="incidents"><caption class="sr-only">Incidents</caption><thead><tr><th scope="col">Level</th><th scope="col">Incident</th><th scope="col">State</th><th scope="col">Clock</th><th scope="col">Held by</th><th scope="col">Next</th></tr></thead><tbody>${rows.map(
    ({ incident: i, label, holder, next }) =>
      html`<tr><td data-label="Level">${level(i)}</td><td data-label="Incident"><a href="/ui/incidents/${i.id}"><strong>${i.ticket}</strong> ${i.title}</a></td><td data-label="State">${stateBadge(label)}</td><td data-label="Clock">${clockView(i, now)}</td><td data-label="Held by">${holder ? html`${holder.actor} <span class="muted">(${holder.command})</span>` : html`<span class="muted">nobody</span>`}</td><td data-label="Next">${next ? html`<code>${next}</code>` : html`<span class="muted">—</span>`}</td></tr>`,
  )}</tbody></table>`;
}

export function incidentsBody(f: ListFilter, fragment: Raw, count: number): Raw {
  return html`<h1>Incidents</h1>${filterForm(f)}<p class="muted">${count} shown. <a href="/ui/log">Incident log</a></p><div id="live-region">${fragment}</div>`;
}

export function logBody(rows: LogRow[]): Raw {
  return html`<h1>Incident log</h1><p><a href="/ui/log.csv" download>Export as CSV</a></p><div class="scroll"><table class="log"><caption class="sr-only">Every incident and its deadline</caption><thead><tr><th scope="col">Ticket</th><th scope="col">Level</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Discovered</th><th scope="col">Deadline</th><th scope="col">Result</th><th scope="col">Margin</th></tr></thead><tbody>${rows.map(
    (r) =>
      html`<tr><td data-label="Ticket">${r.ticket}</td><td data-label="Level">${level({ priority: r.level as Incident["priority"] })}</td><td data-label="Title">${r.title}</td><td data-label="Status">${r.status}</td><td data-label="Discovered">${utc(r.discovered)}</td><td data-label="Deadline">${utc(r.deadline)}</td><td data-label="Result"><span class="result result-${r.deadlineResult}">${r.deadlineResult}</span></td><td data-label="Margin">${r.deadlineMargin}</td></tr>`,
  )}</tbody></table></div>`;
}
