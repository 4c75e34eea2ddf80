// Markdown for the job summary and the check run's page: tables whose cells cannot break the table
// (a `|` or a line break in a file name or message is escaped).

import type { GuardReport } from "../guard/guard.js";
import type { Gate } from "../domain/gate.js";

export const cell = (s: string): string => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

export function guardSummary(ticket: string, report: GuardReport, ignored: readonly string[]): string {
  const { stats } = report;
  const lines = [
    `### Firebreak guard for ${cell(ticket)} (${report.priority}): ${report.blocked ? "blocked" : "passed"}`,
    "",
    `${stats.files} file(s), ${stats.lines} line(s) changed outside tests; tests: ${stats.testFiles} file(s), ${stats.testLines} line(s).`,
    "",
  ];
  if (report.findings.length === 0) lines.push("No findings.");
  else {
    lines.push("| Severity | Rule | File | Message |", "|---|---|---|---|");
    for (const f of report.findings)
      lines.push(
        `| ${f.allowed !== undefined ? "allowed" : f.severity} | ${f.rule} | ${cell(f.file ?? "-")} | ${cell(f.allowed !== undefined ? `${f.message} (allowed: ${f.allowed})` : f.message)} |`,
      );
  }
  for (const a of report.allowed) lines.push("", `Override of **${a.rule}** recorded: ${cell(a.reason)}`);
  for (const why of ignored) lines.push("", `Ignored: ${cell(why)}`);
  if (report.blocked)
    lines.push(
      "",
      "To go on: shrink the change, or a person with write access comments `/firebreak allow <rule> <reason>` and re-runs this check.",
    );
  return lines.join("\n");
}

export function gateSummary(ticket: string, gate: Gate, headSha: string): string {
  const lines = [
    `### Firebreak gate for ${cell(ticket)} to ${gate.env} (${gate.priority}): ${gate.ok ? "open" : "closed"}`,
    "",
    `Commit ${headSha.slice(0, 12)}.`,
    "",
    "| | Item | Seen | To meet it |",
    "|---|---|---|---|",
  ];
  for (const i of gate.items)
    lines.push(
      `| ${i.met ? (i.waived ? "waived" : "met") : "**unmet**"} | ${cell(i.label)} | ${cell(i.detail)} | ${i.met ? "" : `\`${cell(i.command ?? "")}\``} |`,
    );
  return lines.join("\n");
}
