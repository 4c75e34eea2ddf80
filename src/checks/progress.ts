// Check progress as plain lines, for logs, CI and pipes (no cursor codes). A terminal gets the
// live listr2 view from live-view.ts instead.

import type { CheckEvent, CheckResult } from "./run-checks.js";
import { formatDuration } from "./run-checks.js";
import { redact } from "../redact.js";

/** The line to print for an event, or null (output chunks go to the log file, not the screen). */
export function renderCheckProgress(e: CheckEvent): string | null {
  if (e.type === "start") return redact(`[${e.name}] $ ${e.command}`);
  if (e.type === "output") return null;
  return redact(`[${e.result.name}] ${describe(e.result)}`);
}

function describe(r: CheckResult): string {
  switch (r.status) {
    case "passed":
      return `passed in ${formatDuration(r.durationMs)} (log: ${r.logPath})`;
    case "failed":
    case "timed-out":
    case "interrupted":
      return `${r.status}${r.reason ? `: ${r.reason}` : ""} after ${formatDuration(r.durationMs)} (log: ${r.logPath ?? "none"})`;
    case "skipped":
      return `skipped: ${r.reason ?? ""}`;
    case "missing":
      return `missing: ${r.reason ?? ""}`;
  }
}

/** The summary table: one row per check. */
export function renderCheckSummary(results: CheckResult[]): string[] {
  const w = Math.max(5, ...results.map((r) => r.name.length));
  const rows = results.map(
    (r) =>
      `${r.name.padEnd(w)}  ${r.status.padEnd(11)}  ${(r.logPath ? formatDuration(r.durationMs) : "-").padEnd(8)}  ${r.logPath ?? r.reason ?? ""}`,
  );
  return [`${"CHECK".padEnd(w)}  ${"STATUS".padEnd(11)}  ${"TIME".padEnd(8)}  LOG`, ...rows.map(redact)];
}
