// The slash commands people write on a PR: `/firebreak allow RULE reason…` (an override of a guard
// rule, with its reason) and `/firebreak backport <branch>` (a backport target). One command a
// line, anywhere in a comment; anything else in the comment is ignored.

import type { IssueComment, RepoPermission } from "../ports/forge.js";

export interface AllowCommand {
  rule: string;
  reason: string;
  by: string;
  commentId: number;
}

const ALLOW = /^\s*\/firebreak\s+allow\s+([a-z][a-z-]*)(?:\s+(.*\S))?\s*$/;
const BACKPORT = /^\s*\/firebreak\s+backport\s+(\S+)\s*$/;

export function allowCommands(comments: readonly IssueComment[]): AllowCommand[] {
  const out: AllowCommand[] = [];
  for (const c of comments)
    for (const line of c.body.split(/\r?\n/)) {
      const m = ALLOW.exec(line);
      if (m) out.push({ rule: m[1]!, reason: (m[2] ?? "").trim(), by: c.author, commentId: c.id });
    }
  return out;
}

export function backportCommands(body: string): string[] {
  return body
    .split(/\r?\n/)
    .map((l) => BACKPORT.exec(l)?.[1])
    .filter((b): b is string => b !== undefined);
}

/** Who may override the guard from a comment: people who could push the change themselves. */
export const CAN_WRITE: readonly RepoPermission[] = ["admin", "maintain", "write"];
