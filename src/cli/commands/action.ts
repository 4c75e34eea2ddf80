// firebreak action add "…" --owner NAME --due YYYY-MM-DD [--kind test|monitoring|process|docs]
// firebreak action list
// Action items live on the record (incident data `actions`); the review lists them and
// `firebreak followups` opens one ticket for each.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { E } from "../../errors.js";
import { isInteractive } from "../format.js";
import { askText } from "../prompts.js";
import { addAction } from "../../workflow/review.js";
import { readActions, readFollowups } from "../../review/types.js";
import { reviewDeps } from "./review.js";

export async function run({ app, out, args, opts }: CommandInput): Promise<number> {
  const text = (args[0] ?? "").trim();
  if (!text)
    throw E.usage("The action item is empty.", 'firebreak action add "alert on token expiry errors" --owner dana --due 2026-12-01');
  const incident = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  const ask = async (flag: string, question: string, given: unknown): Promise<string> => {
    if (typeof given === "string" && given.trim()) return given;
    if (!isInteractive()) throw E.missingInput(`${flag}`, question);
    const typed = await askText(`${question}?`);
    if (!typed) throw E.missingInput(flag, question);
    return typed;
  };
  const owner = await ask("--owner NAME", "Who owns it", opts.owner);
  const due = await ask("--due YYYY-MM-DD", "When is it due (YYYY-MM-DD)", opts.due);
  const deps = await reviewDeps(app);
  const item = await addAction(deps, incident, { text, owner, due, ...(typeof opts.kind === "string" ? { kind: opts.kind } : {}) });
  out.data({ ticket: incident.ticket, action: item });
  out.success(`Added ${item.id} to ${incident.ticket}: ${item.text} (owner ${item.owner}, due ${item.due}).`);
  out.next("firebreak review --write   # it lists the action items; then: firebreak followups");
  return 0;
}

export async function list({ app, out, opts }: CommandInput): Promise<number> {
  const incident = await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  const actions = readActions(incident);
  const links = new Map(readFollowups(incident).items.map((f) => [f.action, f.url]));
  out.data({ ticket: incident.ticket, actions: actions.map((a) => ({ ...a, followup: links.get(a.id) ?? null })) });
  if (actions.length === 0) {
    out.line(`${incident.ticket} has no action items.`);
    out.next('firebreak action add "…" --owner NAME --due YYYY-MM-DD');
    return 0;
  }
  for (const a of actions)
    out.line(
      `${a.id.padEnd(4)} ${a.due}  ${a.owner.padEnd(12)} ${a.text}${a.kind ? ` [${a.kind}]` : ""}${links.has(a.id) ? `  → ${links.get(a.id)}` : ""}`,
    );
  out.next(actions.every((a) => links.has(a.id)) ? "firebreak review --write" : "firebreak followups   # one ticket per action item");
  return 0;
}
