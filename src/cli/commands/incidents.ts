// firebreak incidents [--since 2026-01-01] [--json | --csv]: the incident log, one line per
// incident: level, discovered, deployed and verified times, deadline met or missed, rollbacks,
// backports done and where the review stands.

import type { CommandInput } from "../run-command.js";
import { parseWhen } from "../../domain/deadline.js";
import { E } from "../../errors.js";
import { redact } from "../../redact.js";
import { logRow, toCsv, type LogRow } from "../../review/incident-log.js";

const short = (iso: string | null) => (iso ? iso.replace("T", " ").slice(0, 16) : "—");

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  if (opts.csv && opts.json)
    throw E.usage("--csv and --json are two ways to print the same log: pick one.", "firebreak incidents --csv > incidents.csv");
  const now = app.clock.now();
  let since: Date | null = null;
  if (typeof opts.since === "string") {
    const v = opts.since.trim();
    // A bare date is the start of that day in UTC, like the times in the log.
    since = /^\d{4}-\d{2}-\d{2}$/.test(v) ? parseWhen(`${v}T00:00Z`, now, "UTC") : parseWhen(v, now, "UTC");
  }
  const store = await app.store();
  const incidents = (await store.listIncidents({ all: true }))
    .filter((i) => !since || Date.parse(i.discoveredAt) >= since.getTime())
    .sort((a, b) => Date.parse(a.discoveredAt) - Date.parse(b.discoveredAt));
  const rows: LogRow[] = [];
  for (const i of incidents) rows.push(logRow(i, await store.timeline(i.id), now));

  if (opts.csv) {
    process.stdout.write(redact(toCsv(rows)));
    return 0;
  }
  out.data({ since: since?.toISOString() ?? null, incidents: rows });
  if (rows.length === 0) {
    out.line(since ? `No incident discovered since ${since.toISOString().slice(0, 10)}.` : "No incidents recorded.");
    out.next('firebreak start ENG-1234 "<title>" --priority P1');
    return 0;
  }
  out.line(
    out.dim(
      `${"ticket".padEnd(12)} lvl  ${"discovered (UTC)".padEnd(16)}  ${"deployed".padEnd(16)}  ${"verified".padEnd(16)}  deadline  rb  bp  review`,
    ),
  );
  for (const r of rows) {
    const deadline =
      r.deadlineResult === "met" ? out.green("met     ") : r.deadlineResult === "open" ? "open    " : out.red(r.deadlineResult.padEnd(8));
    out.line(
      `${r.ticket.padEnd(12)} ${r.level}   ${short(r.discovered).padEnd(16)}  ${short(r.deployed).padEnd(16)}  ${short(r.verified).padEnd(16)}  ${deadline}  ${String(r.rollbacks).padStart(2)}  ${String(r.backports).padStart(2)}  ${r.review}`,
    );
  }
  const met = rows.filter((r) => r.deadlineResult === "met").length;
  const decided = rows.filter((r) => r.deadlineResult === "met" || r.deadlineResult === "missed").length;
  out.line("");
  out.line(`${rows.length} incident${rows.length === 1 ? "" : "s"}; deadline met in ${met} of ${decided} fixed in production.`);
  out.next("firebreak incidents --csv > incidents.csv");
  return 0;
}
