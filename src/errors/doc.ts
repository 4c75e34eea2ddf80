// docs/errors.md, rendered from the catalogue and the exit-code table. scripts/gen-errors-doc.ts
// writes it (npm run docs:errors); test/errors/docs.test.ts fails when the file is stale.

import { CATALOGUE, type CatalogueEntry, type ErrorCode } from "./catalogue.js";
import { EXIT, EXIT_MEANING, type ExitCode } from "./exit.js";

const exitName = (code: number): string => Object.entries(EXIT).find(([, v]) => v === code)?.[0] ?? String(code);
/** Text for Markdown: `<ticket>` would otherwise be read as an HTML tag. */
const prose = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
/** A next step as code, the way a terminal shows it (two backticks where it quotes one). */
const command = (text: string) => (text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``);

export function renderErrorsDoc(): string {
  const codes = (Object.keys(CATALOGUE) as ErrorCode[]).sort();
  const entries = codes.map((code) => [code, CATALOGUE[code] as CatalogueEntry] as const);
  const exitsOf = (e: CatalogueEntry): readonly ExitCode[] => e.exits ?? [e.exit];
  const lines: string[] = [
    "# Errors and exit codes",
    "",
    "<!-- Generated from src/errors/catalogue.ts and src/errors/exit.ts by `npm run docs:errors`. Do not edit by hand. -->",
    "",
    "Every error Firebreak expects says what happened, why, and the next command to run; it prints no stack",
    '(`--debug` adds one). With `--json` the error is printed as `{ "error": { code, message, why, next, exit, details } }`:',
    "`code` is one of the codes below, and the process exits with `exit`.",
    "",
    "## Exit codes",
    "",
    "| exit | name | meaning | error codes |",
    "|---|---|---|---|",
  ];
  for (const [name, code] of Object.entries(EXIT)) {
    const with_ = entries.filter(([, e]) => exitsOf(e).includes(code)).map(([c]) => `\`${c}\``);
    lines.push(`| ${code} | ${name} | ${EXIT_MEANING[code]} | ${with_.join(", ") || "—"} |`);
  }
  lines.push(
    "",
    "## Error codes",
    "",
    "**Why** and **Next** are what the error means and the usual next step. Where the error words them for",
    "its case (a ticket, a file, a command to run), the message says more than the general text here.",
    "",
  );
  for (const [code, e] of entries) {
    const exits = exitsOf(e)
      .map((x) => `${x} (${exitName(x)})`)
      .join(", ");
    lines.push(`### ${code}`, "", `Exit: ${exits}`, "", `**Why:** ${prose(e.why)}`, "", `**Next:** ${command(e.next)}`, "");
  }
  return lines.join("\n");
}
