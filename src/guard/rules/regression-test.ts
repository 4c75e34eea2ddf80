// A fix without a test that fails before it and passes after it will break again. A test file
// whose edit only moves whitespace (a formatter's pass) adds no test.

import { isFormattingOnly } from "./churn.js";
import type { Rule } from "./rule.js";

export const regressionTest: Rule = (ctx) => {
  const tests = ctx.files.filter((f) => f.isTest && f.status !== "deleted");
  const formatted = tests.filter(isFormattingOnly);
  if (tests.length > formatted.length) return [];
  if (formatted.length > 0) {
    const names = formatted.map((f) => f.path);
    return [
      {
        message: `test files changed in formatting only (${names.slice(0, 3).join(", ")}${names.length > 3 ? `, ${names.length - 3} more` : ""}): no regression test`,
        remedy: "Add a test that fails without the fix and passes with it; a formatting change to a test is not one.",
      },
    ];
  }
  return [
    {
      message: "no test file added or changed",
      remedy: "Add a test that fails without the fix and passes with it (test patterns: guard.testPatterns in .firebreak.yml).",
    },
  ];
};
