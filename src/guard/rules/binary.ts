// Binary files cannot be reviewed line by line.

import type { Rule } from "./rule.js";

export const binary: Rule = (ctx) =>
  ctx.code
    .filter((f) => f.binary && f.status !== "deleted")
    .map((f) => ({
      file: f.path,
      message: "binary file added or changed",
      remedy: "Leave binary assets out of the hotfix, or say in the override what it is and where it came from.",
    }));
