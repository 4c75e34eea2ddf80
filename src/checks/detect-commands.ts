// Which commands run the project's test, type check and build: the configured ones, else the
// package.json scripts run with the package manager the lock file belongs to.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const CHECK_NAMES = ["test", "typecheck", "build"] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

export interface CheckCommand {
  name: string;
  /** null: nothing configured and no script found; runChecks reports it as "missing". */
  command: string | null;
  source: "config" | "package.json" | "none";
}

const SCRIPT_NAMES: Record<CheckName, string[]> = {
  test: ["test"],
  typecheck: ["typecheck", "type-check", "check-types", "types", "tsc", "lint:types"],
  build: ["build"],
};

const LOCK_FILES: Array<[string, PackageManager]> = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lockb", "bun"],
  ["bun.lock", "bun"],
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
];

// The placeholder `npm init` writes is not a test suite.
const NPM_PLACEHOLDER = /no test specified/;

export function detectPackageManager(repoRoot: string, pkg?: { packageManager?: unknown }): PackageManager {
  for (const [file, pm] of LOCK_FILES) if (existsSync(join(repoRoot, file))) return pm;
  const declared = typeof pkg?.packageManager === "string" ? pkg.packageManager.split("@")[0] : undefined;
  return declared === "pnpm" || declared === "yarn" || declared === "bun" ? declared : "npm";
}

export function detectCheckCommands(repoRoot: string, configured: Partial<Record<CheckName, string>>): CheckCommand[] {
  const pkg = readPackageJson(repoRoot);
  const scripts = pkg?.scripts && typeof pkg.scripts === "object" ? (pkg.scripts as Record<string, unknown>) : {};
  const pm = detectPackageManager(repoRoot, pkg ?? undefined);
  return CHECK_NAMES.map((name): CheckCommand => {
    const own = configured[name]?.trim();
    if (own) return { name, command: own, source: "config" };
    const script = SCRIPT_NAMES[name].find((s) => typeof scripts[s] === "string" && !NPM_PLACEHOLDER.test(scripts[s] as string));
    if (script) return { name, command: `${pm} run ${script}`, source: "package.json" };
    return { name, command: null, source: "none" };
  });
}

function readPackageJson(repoRoot: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    return v && typeof v === "object" ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The command that installs the project's dependencies as its lock file pins them; null without package.json. */
export function installCommand(repoRoot: string): string | null {
  const pkg = readPackageJson(repoRoot);
  if (!pkg) return null;
  const pm = detectPackageManager(repoRoot, pkg);
  if (pm === "npm")
    return existsSync(join(repoRoot, "package-lock.json")) || existsSync(join(repoRoot, "npm-shrinkwrap.json")) ? "npm ci" : "npm install";
  return `${pm} install`;
}
