// The incident message: one per incident per channel, rebuilt from the record each time and
// updated in place (level, state, clock, checklist, verification verdict), with the buttons the
// incident's state calls for. Who may press them is checked when they are pressed (interactivity.ts);
// a private incident in a shared channel is only a notice with a button that asks for access.

import type { KnownBlock } from "@slack/web-api";
import { evaluateChecklist } from "../../domain/checklist.js";
import { timeLeft } from "../../domain/deadline.js";
import { LEVELS } from "../../domain/levels.js";
import { approvalWaivers, isConfirmed } from "../../domain/state/facts.js";
import { incidentState, type IncidentState } from "../../domain/state/state.js";
import { pendingPlans } from "../../workflow/plans.js";
import type { Incident, TimelineEvent } from "../../domain/types.js";

export const ACTIONS = {
  approve: "fb_approve",
  waive: "fb_waive",
  oncall: "fb_oncall",
  access: "fb_access",
  rollback: "fb_rollback",
} as const;

export interface Rendered {
  text: string;
  blocks: KnownBlock[];
}

/** Slack's mrkdwn treats &, < and > as markup: a title or a note is shown as typed. */
export const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

const button = (text: string, action_id: string, value: string, style?: "primary" | "danger") => ({
  type: "button" as const,
  text: { type: "plain_text" as const, text },
  action_id,
  value,
  ...(style ? { style } : {}),
});

/** What the incident is at: the facts shared by the message and `/firebreak status`. */
export function summary(incident: Incident, events: readonly TimelineEvent[], now: Date) {
  const s = incidentState(events);
  const items = evaluateChecklist(incident.priority, s);
  const needed = items.filter((i) => i.state !== "not-needed");
  const done = needed.filter((i) => i.state === "done" || i.state === "waived").length;
  const next = items.find((i) => i.state === "next");
  const verdict = s.verdicts.at(-1);
  const clock =
    incident.status === "resolved" || incident.status === "abandoned" ? incident.status : timeLeft(new Date(incident.deadlineAt), now).text;
  return { s, items, needed, done, next, verdict, clock };
}

export function buttonsFor(incident: Incident, s: IncidentState, events: readonly TimelineEvent[] = []) {
  const actions = [];
  const approved = s.approvals.length > 0 || approvalWaivers(s).length > 0;
  // A hosted forge's approvals are given there (recordApproval refuses them here): no button for those.
  const forge = (incident.data.pr as { forge?: string } | undefined)?.forge;
  if (incident.data.pr && (forge === undefined || forge === "git") && !approved)
    actions.push(button("Approve", ACTIONS.approve, incident.id, "primary"));
  if (LEVELS[incident.priority].approvalWaivable && !approved) actions.push(button("Waive approval", ACTIONS.waive, incident.id, "danger"));
  if (!isConfirmed(s, "oncall-notified")) actions.push(button("Confirm on-call told", ACTIONS.oncall, incident.id));
  // A rollback an agent planned waits for a commander: the button is that confirmation, behind
  // Slack's own "are you sure" dialog.
  for (const p of pendingPlans(events).filter((x) => x.step === "rollback" && !x.confirmedBy))
    actions.push({
      ...button("Roll back", ACTIONS.rollback, `${incident.id} ${p.id}`, "danger"),
      confirm: {
        title: { type: "plain_text" as const, text: "Roll back production?" },
        text: { type: "mrkdwn" as const, text: `${esc(p.summary)}\nThe agent that planned it applies it once you confirm.` },
        confirm: { type: "plain_text" as const, text: "Roll back" },
        deny: { type: "plain_text" as const, text: "Cancel" },
        style: "danger" as const,
      },
    });
  return actions;
}

export function incidentMessage(incident: Incident, events: readonly TimelineEvent[], now: Date): Rendered {
  const { s, needed, done, next, verdict, clock } = summary(incident, events, now);
  const head = `${incident.priority} · ${incident.ticket} · ${incident.title}`;
  const lines = [
    `*Level* ${incident.priority}   *State* ${incident.status}   *Clock* ${clock}`,
    `*Checklist* ${done}/${needed.length} done${next ? ` · next: ${esc(next.item.label)} (\`${next.item.command}\`)` : ""}`,
    `*Verification* ${verdict ? `${verdict.verdict} on ${verdict.slot}${verdict.summary ? ` — ${esc(verdict.summary)}` : ""}` : "no verdict yet"}`,
  ];
  if (s.approvals.length > 0) lines.push(`*Approved* by ${s.approvals.map((a) => esc(a.by)).join(", ")}`);
  for (const w of approvalWaivers(s)) lines.push(`*Approval waived* by ${esc(w.by)}: ${esc(w.reason ?? "")}`);
  const actions = buttonsFor(incident, s, events);
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: head.slice(0, 150) } },
    { type: "section", text: { type: "mrkdwn", text: lines.join("\n") } },
  ];
  if (actions.length > 0) blocks.push({ type: "actions", block_id: `fb_${incident.id}`, elements: actions });
  return { text: `${head}: ${incident.status}, ${clock}, ${done}/${needed.length} done`, blocks };
}

/** What a shared channel shows of a private incident: that one exists, and a way to ask in. */
export function privateNotice(incident: Incident): Rendered {
  const text = "A private incident is open. Only its members and commanders see it here or anywhere else.";
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `:lock: ${text}` } },
      { type: "actions", block_id: `fb_${incident.id}`, elements: [button("Ask for access", ACTIONS.access, incident.id)] },
    ],
  };
}
