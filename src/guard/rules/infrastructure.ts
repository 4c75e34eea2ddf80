// CI, deploy or infrastructure files: a hotfix that changes how it ships is two risks at once.

import { INFRASTRUCTURE_PATTERNS } from "../defaults.js";
import { matchesAny } from "../glob.js";
import type { Rule } from "./rule.js";

export const infrastructure: Rule = (ctx) =>
  ctx.files
    .filter(
      (f) => matchesAny(f.path, INFRASTRUCTURE_PATTERNS) || (f.oldPath !== undefined && matchesAny(f.oldPath, INFRASTRUCTURE_PATTERNS)),
    )
    .map((f) => ({
      file: f.path,
      message: "CI, deploy or infrastructure file changed",
      remedy: "Ship the fix through the pipeline production already uses; change the pipeline separately.",
    }));
