// The override people write on a PR: `/firebreak allow RULE reason…` (a guard rule let through,
// with its reason). One command a line, anywhere in a comment; anything else in the comment is
// ignored. (`/firebreak backport <branch>` is read by the core: backport/requests.ts.)

import type { IssueComment, RepoPermission } from "../ports/forge.js";

export interface AllowCommand {
  rule: string;
  reason: string;
  by: string;
  commentId: number;
}

const ALLOW = /^\s*\/firebreak\s+allow\s+([a-z][a-z-]*)(?:\s+(.*\S))?\s*$/;

export function allowCommands(comments: readonly IssueComment[]): AllowCommand[] {
  const out: AllowCommand[] = [];
  for (const c of comments)
    for (const line of c.body.split(/\r?\n/)) {
      const m = ALLOW.exec(line);
      if (m) out.push({ rule: m[1]!, reason: (m[2] ?? "").trim(), by: c.author, commentId: c.id });
    }
  return out;
}

/** Who may override the guard from a comment: people who could push the change themselves. */
export const CAN_WRITE: readonly RepoPermission[] = ["admin", "maintain", "write"];
