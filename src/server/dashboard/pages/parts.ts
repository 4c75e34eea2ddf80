// Pieces several pages share: the level badge, the state, the clock and the error box.

import type { Incident } from "../../../domain/types.js";
import type { FirebreakError } from "../../../errors.js";
import { html, type Raw } from "../html.js";
import { clock, stateLabel } from "../model.js";

export const utc = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

export const level = (i: Pick<Incident, "priority">) => html`<span class="level level-${i.priority}">${i.priority}</span>`;

export const stateBadge = (label: string) => html`<span class="state state-${label.replace(/\s+/g, "-")}">${label}</span>`;

/** The clock: the script recounts it every second from the data attributes. */
export function clockView(i: Incident, now: Date): Raw {
  const c = clock(i, now);
  return html`<span class="clock clock-${c.tone}" data-start="${i.discoveredAt}" data-deadline="${i.deadlineAt}"${c.tone === "done" ? html` data-done="1"` : ""}>${c.text}</span>`;
}

export const state = (i: Incident) => stateBadge(stateLabel(i));

export function errorBox(e: FirebreakError): Raw {
  return html`<div class="alert alert-error" role="alert"><p><strong>Refused:</strong> ${e.message}</p>${e.why ? html`<p>${e.why}</p>` : ""}${e.next ? html`<p>Next: <code>${e.next}</code></p>` : ""}</div>`;
}

export const doneBox = (text: string) => html`<div class="alert alert-ok" role="status"><p>${text}</p></div>`;
