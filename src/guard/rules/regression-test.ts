// A fix without a test that fails before it and passes after it will break again.

import type { Rule } from "./rule.js";

export const regressionTest: Rule = (ctx) => {
  const tests = ctx.files.filter((f) => f.isTest && f.status !== "deleted");
  if (tests.length > 0) return [];
  return [
    {
      message: "no test file added or changed",
      remedy: "Add a test that fails without the fix and passes with it (test patterns: guard.testPatterns in .firebreak.yml).",
    },
  ];
};
