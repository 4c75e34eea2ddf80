// A fix nobody explains gets "cleaned up" later. Some added comment should name the ticket or say why.

import type { Rule } from "./rule.js";

const COMMENT_START = /^\s*(?:\/\/|\/\*|\*|#|--|<!--|;|%|""")/;
const TRAILING_COMMENT = /\s(?:\/\/|\/\*|#)\s/;
const WHY =
  /\b(?:because|root[ -]cause|caused|due to|so that|in order to|otherwise|prevents?|guards? against|workaround|regression|why)\b/i;

export function isComment(line: string): boolean {
  return COMMENT_START.test(line) || TRAILING_COMMENT.test(line);
}

export function explains(line: string, ticket: string): boolean {
  if (!isComment(line)) return false;
  return (ticket !== "" && line.toLowerCase().includes(ticket.toLowerCase())) || WHY.test(line);
}

export const rootCause: Rule = (ctx) => {
  const explained = ctx.files.some((f) => f.addedLines.some((l) => explains(l, ctx.ticket)));
  if (explained) return [];
  return [
    {
      message: `no added comment mentions ${ctx.ticket || "the ticket"} or says why`,
      remedy: `Add a comment at the fix, e.g. "// ${ctx.ticket || "ENG-1234"}: <why this broke and why this fixes it>".`,
    },
  ];
};
