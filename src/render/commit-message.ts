// The hotfix commit message: a conventional `fix:` subject, what was broken and the root cause,
// then Ticket and Priority in git's trailer format so `git interpret-trailers` and forges read them.
// Commit it with `git commit --cleanup=whitespace -F <file>`: the default cleanup would drop body
// lines that start with "#".

import type { Priority } from "../domain/types.js";
import { E } from "../errors.js";

export interface CommitMessageInput {
  brief: string; // the incident title
  whatWasBroken?: string;
  rootCause?: string;
  ticket: string;
  priority: Priority;
}

const SUBJECT_MAX = 72;

export function commitSubject(brief: string): string {
  // "Fix add returns difference" would become "fix: Fix add…": the prefix already says it.
  const oneLine = brief
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^fix(\([^)]*\))?!?:\s*/i, "")
    .replace(/^fix(ed)?\s+(?=\S)/i, "");
  if (oneLine === "") throw E.usage("The commit needs a brief: the incident title is empty.");
  const subject = `fix: ${oneLine}`;
  return subject.length <= SUBJECT_MAX ? subject : subject.slice(0, SUBJECT_MAX - 1).trimEnd() + "…";
}

/** Body text: line endings normalised, runs of blank lines squeezed, trailing spaces dropped. */
function paragraph(label: string, text: string | undefined): string | null {
  const clean = (text ?? "")
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return clean === "" ? null : `${label}:\n${clean}`;
}

export function renderCommitMessage(input: CommitMessageInput): string {
  // Trailer values must be one line, or git would read the rest as another trailer.
  for (const [what, v] of [
    ["ticket", input.ticket],
    ["priority", input.priority],
  ] as const) {
    if (!/^[^\s:][^\n\r]*$/.test(v)) throw E.unsafeValue(what, v, "a trailer value must be a single line");
  }
  const parts = [commitSubject(input.brief)];
  const body = [paragraph("What was broken", input.whatWasBroken), paragraph("Root cause", input.rootCause)].filter((p) => p !== null);
  parts.push(...body);
  parts.push(`Ticket: ${input.ticket}\nPriority: ${input.priority}`);
  return parts.join("\n\n") + "\n";
}
