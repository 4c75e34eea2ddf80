// firebreak status [TICKET]: the checklist for the incident's level, what is next, the time left.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { evaluateChecklist } from "../../domain/checklist.js";
import { timeLeft } from "../../domain/deadline.js";
import { LEVELS } from "../../domain/levels.js";
import { utc } from "../format.js";
import { describeEvent } from "../describe-event.js";

const MARK = { done: "✔", waived: "~", next: "→", todo: "·", "not-needed": "-" } as const;

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const incident = await resolveIncident(app, args[0]);
  const store = await app.store();
  const events = await store.timeline(incident.id);
  const items = evaluateChecklist(incident.priority, events.map((e) => e.kind));
  const left = timeLeft(new Date(incident.deadlineAt), app.clock.now());
  const tailCount = Math.max(0, Number(opts.tail ?? 5) || 0);
  const tail = events.slice(-tailCount);
  const next = items.find((i) => i.state === "next");

  out.data({
    incident,
    timeLeft: left,
    checklist: items.map((i) => ({ id: i.item.id, label: i.item.label, state: i.state, command: i.item.command })),
    next: next ? { id: next.item.id, command: next.item.command } : null,
    tail,
  });
  out.line(`${out.bold(incident.ticket)} ${out.red(incident.priority)} ${incident.title}`);
  out.fields([
    ["level", LEVELS[incident.priority].kind],
    ["status", incident.status],
    ["branch", incident.branch],
    ["deadline", `${utc(incident.deadlineAt)} (${left.overdue ? out.red(left.text) : left.text})`],
  ]);
  out.line("");
  for (const { item, state } of items) {
    const mark = MARK[state];
    const text = `${mark} ${item.label}${state === "waived" ? " (waived)" : state === "not-needed" ? ` (not needed at ${incident.priority})` : ""}`;
    out.line(`  ${state === "done" ? out.green(text) : state === "next" ? out.bold(text) : state === "not-needed" ? out.dim(text) : text}`);
  }
  if (tail.length > 0) {
    out.line("");
    out.line(out.dim("Recent timeline (UTC):"));
    for (const e of tail) out.line(`  ${utc(e.at).slice(0, 16)}  ${e.actor.padEnd(12)}  ${describeEvent(e)}`);
  }
  if (next) out.next(next.item.command);
  else out.line("Every item at this level is done.");
  return 0;
}
