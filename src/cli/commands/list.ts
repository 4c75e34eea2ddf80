// firebreak list [--all]

import type { CommandInput } from "../run-command.js";
import { timeLeft } from "../../domain/deadline.js";
import { deadlineText } from "../status-view.js";

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  const store = await app.store();
  const incidents = await store.listIncidents({ all: Boolean(opts.all) });
  const now = app.clock.now();
  out.data({ incidents: incidents.map((i) => ({ ...i, timeLeft: timeLeft(new Date(i.deadlineAt), now) })) });
  if (incidents.length === 0) {
    out.line(opts.all ? "No incidents recorded." : "No incident in progress.");
    out.next('firebreak triage   # or: firebreak start ENG-1234 "<title>" --priority P1');
    return 0;
  }
  for (const i of incidents) {
    // A fix in production stopped the clock: say met or missed rather than a time left.
    const d = i.status === "open" || i.status === "pr-open" ? null : deadlineText(i, await store.timeline(i.id), now).outcome;
    const when = d ? `deadline ${d.state}` : timeLeft(new Date(i.deadlineAt), now).text;
    out.line(`${i.ticket.padEnd(12)} ${i.priority}  ${i.status.padEnd(11)} ${when.padEnd(18)} ${i.title}`);
  }
  out.next(`firebreak status ${incidents[0]!.ticket}`);
  return 0;
}
