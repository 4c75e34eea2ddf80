// Lines or files over the level's budget. Only non-test files count: tests never make a fix too big.

import type { Rule } from "./rule.js";

export const size: Rule = (ctx) => {
  const files = ctx.code.length;
  const lines = ctx.code.reduce((n, f) => n + f.added + f.deleted, 0);
  const { maxFiles, maxLines } = ctx.level;
  const over: string[] = [];
  if (files > maxFiles) over.push(`${files} files (budget ${maxFiles})`);
  if (lines > maxLines) over.push(`${lines} lines (budget ${maxLines})`);
  if (!over.length) return [];
  return [
    {
      message: `${ctx.priority} change is too big: ${over.join(", ")}, not counting tests`,
      remedy: "Ship the smallest change that stops the damage now; do the rest in a normal release.",
    },
  ];
};
