// The guard's findings as CI annotations. GitHub reads workflow commands from a step's output
// (`::error file=…,line=…::message`); other CIs get one plain `file:line: level: message` line each.
// Escaping follows the Actions runner: in the message %, CR and LF are percent-encoded; in a
// property value ':' and ',' are too, so a hostile file name cannot end the property list early
// or smuggle a second command onto a new line.

import type { Finding, GuardReport } from "../guard/guard.js";

export type CiFormat = "github" | "plain";

export interface Annotation {
  level: "error" | "warning" | "notice";
  file: string | null;
  line: number;
  title: string;
  message: string;
}

/** GitHub when running in GitHub Actions, plain elsewhere; an explicit choice wins. */
export function ciFormat(given: string | boolean | undefined, env: Record<string, string | undefined>): CiFormat {
  if (given === "github" || given === "plain") return given;
  return env.GITHUB_ACTIONS === "true" ? "github" : "plain";
}

export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** One annotation per finding: a block not let through is an error, an allowed block a notice, a warning a warning. */
export function guardAnnotations(report: GuardReport): Annotation[] {
  return report.findings.map((f: Finding) => ({
    level: f.allowed !== undefined ? "notice" : f.severity === "block" ? "error" : "warning",
    file: f.file ?? null,
    // Findings are about files, not lines: the annotation sits on the file's first line.
    line: 1,
    title: `firebreak guard: ${f.rule}${f.allowed !== undefined ? " (allowed)" : ""}`,
    message:
      f.allowed !== undefined
        ? `${f.message} Allowed: ${f.allowed}`
        : `${f.message} To fix: ${f.remedy}${f.severity === "block" ? ` Or override: firebreak check --allow ${f.rule} --reason "<why>"` : ""}`,
  }));
}

export function formatAnnotation(a: Annotation, format: CiFormat): string {
  if (format === "github") {
    const props = [...(a.file ? [`file=${escapeProperty(a.file)}`, `line=${a.line}`] : []), `title=${escapeProperty(a.title)}`].join(",");
    return `::${a.level} ${props}::${escapeData(a.message)}`;
  }
  // Plain: one line each, whatever the message holds.
  const where = a.file ? `${a.file.replace(/[\r\n]/g, " ")}:${a.line}: ` : "";
  return `${where}${a.level}: ${a.title}: ${a.message.replace(/[\r\n]+/g, " ")}`;
}
