// Tight defaults for the guard: what counts as a test, infrastructure or a dependency manifest,
// and each level's budget and rule severities.

import type { Priority } from "../domain/types.js";

export const GUARD_RULES = [
  "dependencies",
  "regression-test",
  "size",
  "churn",
  "spread",
  "public-api",
  "infrastructure",
  "binary",
  "root-cause",
] as const;
export type GuardRule = (typeof GUARD_RULES)[number];
export const isGuardRule = (s: string): s is GuardRule => (GUARD_RULES as readonly string[]).includes(s);

export type RuleSetting = "block" | "warn" | "off";

export interface GuardLevel {
  maxFiles?: number;
  maxLines?: number;
  rules?: Record<string, RuleSetting>;
}

/** The `guard` section of .firebreak.yml. */
export interface GuardConfig {
  testPatterns?: string[];
  levels?: Partial<Record<Priority, GuardLevel>>;
}

export interface ResolvedLevel {
  maxFiles: number;
  maxLines: number;
  rules: Record<GuardRule, RuleSetting>;
}

export const DEFAULT_RULE_SEVERITY: Record<GuardRule, RuleSetting> = {
  dependencies: "block",
  "regression-test": "block",
  size: "block",
  churn: "warn",
  spread: "warn",
  "public-api": "warn",
  infrastructure: "block",
  binary: "block",
  "root-cause": "warn",
};

const BUDGETS: Record<Priority, { maxFiles: number; maxLines: number }> = {
  P0: { maxFiles: 5, maxLines: 150 },
  P1: { maxFiles: 8, maxLines: 250 },
  P2: { maxFiles: 12, maxLines: 400 },
  P3: { maxFiles: 15, maxLines: 500 },
};

export const DEFAULT_GUARD: Record<Priority, ResolvedLevel> = {
  P0: { ...BUDGETS.P0, rules: { ...DEFAULT_RULE_SEVERITY } },
  P1: { ...BUDGETS.P1, rules: { ...DEFAULT_RULE_SEVERITY } },
  P2: { ...BUDGETS.P2, rules: { ...DEFAULT_RULE_SEVERITY } },
  P3: { ...BUDGETS.P3, rules: { ...DEFAULT_RULE_SEVERITY } },
};

export function resolveLevel(priority: Priority, config?: GuardConfig): ResolvedLevel {
  const base = DEFAULT_GUARD[priority];
  const over = config?.levels?.[priority];
  const rules = { ...base.rules };
  for (const [rule, setting] of Object.entries(over?.rules ?? {})) if (isGuardRule(rule)) rules[rule] = setting;
  return { maxFiles: over?.maxFiles ?? base.maxFiles, maxLines: over?.maxLines ?? base.maxLines, rules };
}

export const DEFAULT_TEST_PATTERNS: readonly string[] = [
  // JS/TS
  "**/*.test.*",
  "**/*.spec.*",
  "**/__tests__/**",
  "**/__mocks__/**",
  "test/**",
  "tests/**",
  // Go
  "**/*_test.go",
  // Python
  "**/test_*.py",
  "**/*_test.py",
  "**/conftest.py",
  // Java / Kotlin
  "**/src/test/**",
  "**/*Test.java",
  "**/*Tests.java",
  "**/*Test.kt",
  // Ruby
  "spec/**",
  "**/*_spec.rb",
  // Rust
  "**/tests/*.rs",
];

export const INFRASTRUCTURE_PATTERNS: readonly string[] = [
  ".github/workflows/**",
  ".github/actions/**",
  ".gitlab-ci.yml",
  ".gitlab/ci/**",
  ".circleci/**",
  ".buildkite/**",
  ".travis.yml",
  "Jenkinsfile",
  "azure-pipelines.yml",
  "bitbucket-pipelines.yml",
  ".drone.yml",
  "Dockerfile",
  "Dockerfile.*",
  "*.dockerfile",
  "docker-compose*.{yml,yaml}",
  "compose.{yml,yaml}",
  "*.tf",
  "*.tfvars",
  "*.hcl",
  "terraform/**",
  "k8s/**",
  "kubernetes/**",
  "helm/**",
  "charts/**",
  "deploy/**",
  "deployment/**",
  "infra/**",
  "infrastructure/**",
  "ansible/**",
  "Procfile",
  "vercel.json",
  "netlify.toml",
  "fly.toml",
  "railway.{json,toml}",
  "app.yaml",
  "serverless.{yml,yaml}",
  ".ebextensions/**",
  ".platform/**",
  ".elasticbeanstalk/**",
];

/** Whole-file manifests and lock files, matched by name at any depth (package.json is compared by section). */
export const DEPENDENCY_FILES: readonly string[] = [
  "package-lock.json",
  "npm-shrinkwrap.json",
  "pnpm-lock.yaml",
  "pnpm-workspace.yaml",
  "yarn.lock",
  "bun.lockb",
  "bun.lock",
  "go.mod",
  "go.sum",
  "go.work",
  "Cargo.toml",
  "Cargo.lock",
  "requirements*.txt",
  "constraints*.txt",
  "poetry.lock",
  "uv.lock",
  "Pipfile",
  "Pipfile.lock",
  "Gemfile",
  "Gemfile.lock",
  "pom.xml",
  "build.gradle",
  "build.gradle.kts",
  "gradle.lockfile",
  "composer.json",
  "composer.lock",
];

export const PACKAGE_JSON_DEPENDENCY_SECTIONS: readonly string[] = [
  "dependencies",
  "devDependencies",
  "peerDependencies",
  "optionalDependencies",
  "overrides",
  "resolutions",
  "bundledDependencies",
  "bundleDependencies",
];
