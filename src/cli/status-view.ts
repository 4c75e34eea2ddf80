// What `firebreak status` prints, for both ways of reading the record (see fast-status.ts).

import type { Incident, TimelineEvent } from "../domain/types.js";
import type { Output } from "./output.js";
import { evaluateChecklist } from "../domain/checklist.js";
import { formatDuration, timeLeft } from "../domain/deadline.js";
import { deadlineOutcome } from "../review/schedule.js";
import { fixedAt, milestones } from "../review/record.js";
import { incidentLevelKind } from "../domain/levels.js";
import { utc } from "./format.js";
import { describeEvent } from "./describe-event.js";
import { statusNotices } from "../domain/notices.js";
import { incidentState, type IncidentState } from "../domain/state/state.js";
import { lastChecks } from "../domain/state/facts.js";
import { readerStep, type Reader } from "../domain/viewer-step.js";
import { printable } from "../render/printable.js";

const MARK = { done: "✔", waived: "~", next: "→", todo: "·", "not-needed": "-" } as const;

/**
 * `reader` is who reads it on a team server (the token's name, role and kind): the next step is then
 * said as theirs or as someone else's. On a clone's own record, everyone reading it may take it.
 */
export function renderStatus(
  out: Output,
  incident: Incident,
  events: TimelineEvent[],
  now: Date,
  tailCount: number,
  reader: Reader | null = null,
): void {
  const state = incidentState(events);
  const items = evaluateChecklist(incident.priority, state);
  const left = timeLeft(new Date(incident.deadlineAt), now);
  const tail = events.slice(-Math.max(0, tailCount));
  const next = items.find((i) => i.state === "next");
  const notices = statusNotices(incident, events, now, state);
  const ran = checksRan(state);
  const deadline = deadlineText(incident, events, now);

  out.data({
    incident,
    timeLeft: left,
    deadline: deadline.outcome,
    checklist: items.map((i) => ({
      id: i.item.id,
      label: i.item.label,
      state: i.state,
      command: i.item.command,
      ...(i.item.id === "checks" && ran ? { detail: ran } : {}),
    })),
    next: next ? { id: next.item.id, command: next.item.command } : null,
    notices,
    tail,
  });
  out.line(`${out.bold(incident.ticket)} ${out.red(incident.priority)} ${incident.title}`);
  out.fields([
    ["level", incidentLevelKind(incident)],
    ["status", incident.status],
    ["branch", incident.branch],
    [
      "deadline",
      `${utc(incident.deadlineAt)} (${deadline.outcome ? (deadline.outcome.state === "missed" ? out.red(deadline.text) : deadline.text) : left.overdue ? out.red(left.text) : left.text})`,
    ],
  ]);
  if (notices.length > 0) {
    out.line("");
    for (const n of notices) out.line(`  ${out.yellow("!")} ${n.overdue ? out.red(n.text) : out.bold(n.text)}  ${out.dim(n.command)}`);
  }
  out.line("");
  for (const { item, state } of items) {
    const text = `${MARK[state]} ${item.label}${state === "waived" ? " (waived)" : state === "not-needed" ? ` (not needed at ${incident.priority})` : item.id === "checks" && ran ? ` (${ran})` : ""}`;
    out.line(`  ${state === "done" ? out.green(text) : state === "next" ? out.bold(text) : state === "not-needed" ? out.dim(text) : text}`);
  }
  if (tail.length > 0) {
    out.line("");
    out.line(out.dim("Recent timeline (UTC):"));
    for (const e of tail) out.line(`  ${utc(e.at).slice(0, 16)}  ${printable(e.actor).padEnd(12)}  ${describeEvent(e)}`);
  }
  // After a rollback the owed step is the next fix, not the checklist's next tick.
  const rolledBack = notices.find((n) => n.id === "rolled-back");
  const command = rolledBack ? rolledBack.command : next?.item.command;
  if (!command) return out.line("Every item at this level is done.");
  const step = reader
    ? readerStep(reader, {
        ticket: incident.ticket,
        nextItem: rolledBack ? null : (next?.item.id ?? null),
        approvalOwed: items.some((i) => i.item.id === "approval" && (i.state === "todo" || i.state === "next")),
        state,
      })
    : ({ kind: "theirs" } as const);
  if (step.kind === "theirs") return out.next(command);
  if (step.kind === "yours") {
    out.line(`The fixer's next step: ${command}`);
    return out.next(`${step.command}   # ${step.why}; review the pull request first`);
  }
  out.next(`${command}   # for ${step.who}: ${reader?.name}'s token (${reader?.role}, ${reader?.kind}) cannot take it`);
}

/** Which checks the latest run ran and which it could not: "passed: test; failed: build; no command: typecheck". */
function checksRan(state: IncidentState): string | null {
  const last = lastChecks(state);
  if (!last) return null;
  const parts = [
    ["passed", last.passed],
    ["failed", last.failed],
    ["no command", last.missing],
    ["skipped", last.skipped],
  ] as const;
  return (
    parts
      .filter(([, names]) => names.length > 0)
      .map(([what, names]) => `${what}: ${names.join(", ")}`)
      .join("; ") || null
  );
}

/**
 * Once the fix is in production the clock has stopped: the deadline was met or missed, and the
 * time it took counts, not the time left.
 */
export function deadlineText(
  incident: Incident,
  events: readonly TimelineEvent[],
  now: Date,
): { outcome: { state: "met" | "missed"; fixedAt: string; tookMs: number } | null; text: string } {
  const m = milestones(incident, events);
  const fixed = fixedAt(m);
  if (!fixed) return { outcome: null, text: timeLeft(new Date(incident.deadlineAt), now).text };
  const d = deadlineOutcome(incident, m, now);
  const tookMs = Date.parse(fixed) - Date.parse(incident.discoveredAt);
  const state = d.state === "missed" ? "missed" : "met";
  return { outcome: { state, fixedAt: fixed, tookMs }, text: `${d.text}; fixed in production ${formatDuration(tookMs)} after discovery` };
}
