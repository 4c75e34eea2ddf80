// Runs every guard rule over a change and applies the level's severities and the overrides.
// Pure: the ChangeSet was read by readChangeSet, so this runs the same in CI and in tests.

import type { Priority } from "../domain/types.js";
import { E } from "../errors.js";
import type { ChangeSet } from "./changeset.js";
import { GUARD_RULES, isGuardRule, resolveLevel } from "./defaults.js";
import type { GuardConfig, GuardRule } from "./defaults.js";
import { matchesAny } from "./glob.js";
import { binary } from "./rules/binary.js";
import { churn } from "./rules/churn.js";
import { dependencies } from "./rules/dependencies.js";
import { infrastructure } from "./rules/infrastructure.js";
import { publicApi } from "./rules/public-api.js";
import { regressionTest } from "./rules/regression-test.js";
import { rootCause } from "./rules/root-cause.js";
import type { Rule, RuleContext } from "./rules/rule.js";
import { size } from "./rules/size.js";
import { spread } from "./rules/spread.js";

const RULES: Record<GuardRule, Rule> = {
  dependencies,
  "regression-test": regressionTest,
  size,
  churn,
  spread,
  "public-api": publicApi,
  infrastructure,
  binary,
  "root-cause": rootCause,
};

export interface Finding {
  rule: GuardRule;
  severity: "block" | "warn";
  file?: string;
  message: string;
  remedy: string;
  /** The --reason of an override that let this block through. */
  allowed?: string;
}

export interface GuardAllow {
  rule: string;
  reason: string;
}

export interface GuardReport {
  priority: Priority;
  findings: Finding[]; // in rule order, then file order
  /** Each override given, with how many blocking findings it let through (0: it was not needed). */
  allowed: Array<{ rule: GuardRule; reason: string; count: number }>;
  blocked: boolean; // a block finding without an override
  stats: { files: number; lines: number; testFiles: number; testLines: number };
}

export interface GuardOptions {
  priority: Priority;
  ticket: string;
  config?: GuardConfig;
  allows: GuardAllow[];
}

export function runGuard(changes: ChangeSet, opts: GuardOptions): GuardReport {
  for (const a of opts.allows) {
    if (!isGuardRule(a.rule))
      throw E.usage(`--allow ${a.rule}: there is no guard rule with that name.`, undefined, [`rules: ${GUARD_RULES.join(", ")}`]);
    if (a.reason.trim() === "")
      throw E.usage(
        `--allow ${a.rule} needs a --reason: the reason goes on the timeline and into the PR.`,
        `firebreak check --allow ${a.rule} --reason "<why this is needed>"`,
      );
  }
  const level = resolveLevel(opts.priority, opts.config);
  const patterns = opts.config?.testPatterns;
  const files = patterns ? changes.files.map((f) => ({ ...f, isTest: matchesAny(f.path, patterns) })) : changes.files;
  const ctx: RuleContext = {
    changes,
    files,
    code: files.filter((f) => !f.isTest),
    level,
    priority: opts.priority,
    ticket: opts.ticket,
  };

  const reasons = new Map<GuardRule, string>();
  for (const a of opts.allows) if (isGuardRule(a.rule)) reasons.set(a.rule, a.reason.trim());

  const findings: Finding[] = [];
  for (const rule of GUARD_RULES) {
    const setting = level.rules[rule];
    if (setting === "off") continue;
    for (const { blocks, ...hit } of RULES[rule](ctx)) {
      const finding: Finding = { rule, severity: blocks ? "block" : setting, ...hit };
      const reason = reasons.get(rule);
      if (finding.severity === "block" && reason !== undefined) finding.allowed = reason;
      findings.push(finding);
    }
  }

  const tests = files.filter((f) => f.isTest);
  return {
    priority: opts.priority,
    findings,
    allowed: [...reasons].map(([rule, reason]) => ({
      rule,
      reason,
      count: findings.filter((f) => f.rule === rule && f.allowed !== undefined).length,
    })),
    blocked: findings.some((f) => f.severity === "block" && f.allowed === undefined),
    stats: {
      files: ctx.code.length,
      lines: ctx.code.reduce((n, f) => n + f.added + f.deleted, 0),
      testFiles: tests.length,
      testLines: tests.reduce((n, f) => n + f.added + f.deleted, 0),
    },
  };
}
