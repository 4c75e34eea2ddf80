// The guard report as plain text lines: a table of findings, then what to do about each block.

import { createColors } from "picocolors";
import type { GuardReport } from "./guard.js";

export function renderGuardReport(report: GuardReport, opts: { color: boolean }): string[] {
  const c = createColors(opts.color);
  const { stats } = report;
  const lines: string[] = [
    `Guard (${report.priority}): ${stats.files} file${stats.files === 1 ? "" : "s"}, ${stats.lines} line${stats.lines === 1 ? "" : "s"} changed; tests: ${stats.testFiles} file${stats.testFiles === 1 ? "" : "s"}, ${stats.testLines} line${stats.testLines === 1 ? "" : "s"}`,
  ];
  if (report.findings.length === 0) {
    lines.push(c.green("No findings."));
    return lines;
  }
  const rank = { block: 0, allowed: 1, warn: 2 } as const;
  const rows = report.findings.map((f) => {
    const severity: "block" | "warn" | "allowed" = f.allowed !== undefined ? "allowed" : f.severity;
    return { file: f.file ?? "-", rule: f.rule, severity, message: f.message };
  });
  rows.sort((a, b) => rank[a.severity] - rank[b.severity]); // stable: rule order within a severity
  const wFile = Math.min(48, Math.max(4, ...rows.map((r) => r.file.length)));
  const wRule = Math.max(4, ...rows.map((r) => r.rule.length));
  const wSev = 8;
  const pad = (s: string, w: number) => (s.length > w ? "…" + s.slice(s.length - w + 1) : s.padEnd(w));
  lines.push(`${pad("FILE", wFile)}  ${pad("RULE", wRule)}  ${pad("SEVERITY", wSev)}  MESSAGE`);
  for (const r of rows) {
    const paint = r.severity === "block" ? c.red : r.severity === "warn" ? c.yellow : c.cyan;
    lines.push(`${pad(r.file, wFile)}  ${pad(r.rule, wRule)}  ${paint(pad(r.severity, wSev))}  ${r.message}`);
  }
  for (const a of report.allowed) {
    lines.push(a.count > 0 ? `Allowed ${a.rule}: ${a.reason}` : `Note: --allow ${a.rule} was not needed (nothing blocked on it).`);
  }
  const blocking = [...new Set(report.findings.filter((f) => f.severity === "block" && f.allowed === undefined).map((f) => f.rule))];
  if (blocking.length) {
    lines.push("", c.bold(c.red(`Blocked by ${blocking.join(", ")}. To fix:`)));
    for (const rule of blocking) {
      const remedy = report.findings.find((f) => f.rule === rule && f.severity === "block" && f.allowed === undefined)!.remedy;
      lines.push(`  ${rule}: ${remedy}`);
      lines.push(`    or override: firebreak check --allow ${rule} --reason "<why this is needed>"`);
    }
  }
  return lines;
}
