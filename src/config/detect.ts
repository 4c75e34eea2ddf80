// What `firebreak init` can learn about a project without asking: the production branch, the
// remote and its forge, the package manager and the scripts that test, type-check and build.
// Reads only: git plumbing and files. The one network call (ls-remote) happens only when the
// remote's HEAD is not known locally, and is bounded by a timeout.

import { readFile } from "node:fs/promises";
import { exists } from "./path-exists.js";
import { join } from "node:path";
import { Git } from "../adapters/git/git.js";
import { parseGitHubRemote, redactUrl } from "./remote-url.js";

export type PackageManager = "npm" | "pnpm" | "yarn" | "bun" | "cargo" | "go";
export type BranchSource = "remote-head" | "ls-remote" | "local-main" | "local-master" | "default";

export interface DetectedProject {
  remote: string | null; // origin, else the first remote, null when there is none
  remoteUrl: string | null; // without any user:password@
  productionBranch: string;
  productionBranchFrom: BranchSource;
  forge: { type: "git" | "github"; repo: string | null };
  packageManager: PackageManager | null;
  packageManagerFrom: string | null; // the lock file or field it was read from
  checks: { test?: string; typecheck?: string; build?: string }; // commands to run
  notes: string[]; // what could not be detected, for the starter's comments
}

const LOCK_FILES: ReadonlyArray<readonly [string, PackageManager]> = [
  ["package-lock.json", "npm"],
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lockb", "bun"],
  ["bun.lock", "bun"],
];

const SCRIPT_NAMES = {
  test: ["test"],
  typecheck: ["typecheck", "type-check", "tsc", "check-types", "check:types"],
  build: ["build"],
} as const;

// Over the Git adapter's own safe defaults (no prompts, plain transports only): ssh must not ask either.
const GIT_ENV = { GIT_SSH_COMMAND: process.env["GIT_SSH_COMMAND"] ?? "ssh -o BatchMode=yes" };

async function git(repoRoot: string, args: string[], timeoutMs = 15_000): Promise<string | null> {
  const r = await new Git(repoRoot).raw(args, { env: GIT_ENV, timeoutMs });
  return r.code === 0 ? r.stdout.trim() : null;
}

export async function detectProject(repoRoot: string): Promise<DetectedProject> {
  const notes: string[] = [];
  const remote = await pickRemote(repoRoot);
  const remoteUrlRaw = remote ? await git(repoRoot, ["remote", "get-url", "--", remote]) : null;
  if (!remote) notes.push("no git remote found: add one (git remote add origin <url>) before shipping");

  const { branch, from } = await productionBranch(repoRoot, remote);
  if (from === "default") notes.push("neither the remote's HEAD nor a main or master branch was found: main assumed");

  const gh = remoteUrlRaw ? parseGitHubRemote(remoteUrlRaw) : null;
  const pkg = await detectPackageManager(repoRoot, notes);
  return {
    remote,
    remoteUrl: remoteUrlRaw ? redactUrl(remoteUrlRaw) : null,
    productionBranch: branch,
    productionBranchFrom: from,
    forge: gh ? { type: "github", repo: `${gh.owner}/${gh.name}` } : { type: "git", repo: null },
    ...pkg,
    notes,
  };
}

async function pickRemote(repoRoot: string): Promise<string | null> {
  const out = await git(repoRoot, ["remote"]);
  const remotes = (out ?? "")
    .split("\n")
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith("-"));
  return remotes.includes("origin") ? "origin" : (remotes[0] ?? null);
}

async function productionBranch(repoRoot: string, remote: string | null): Promise<{ branch: string; from: BranchSource }> {
  if (remote) {
    const prefix = `refs/remotes/${remote}/`;
    const head = await git(repoRoot, ["symbolic-ref", "--quiet", `${prefix}HEAD`]);
    if (head?.startsWith(prefix)) return { branch: head.slice(prefix.length), from: "remote-head" };
    const ls = await git(repoRoot, ["ls-remote", "--symref", "--", remote, "HEAD"]);
    const m = ls ? /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(ls) : null;
    if (m?.[1]) return { branch: m[1], from: "ls-remote" };
  }
  for (const name of ["main", "master"] as const) {
    const refs = [`refs/heads/${name}`, ...(remote ? [`refs/remotes/${remote}/${name}`] : [])];
    for (const ref of refs) {
      if ((await git(repoRoot, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])) !== null) {
        return { branch: name, from: name === "main" ? "local-main" : "local-master" };
      }
    }
  }
  return { branch: "main", from: "default" };
}

/** The command that runs package.json script `name` with `pm`. */
export function scriptCommand(pm: PackageManager, name: string): string {
  switch (pm) {
    case "npm":
      return name === "test" ? "npm test" : `npm run ${name}`;
    case "pnpm":
      return name === "test" ? "pnpm test" : `pnpm run ${name}`;
    case "yarn":
      return `yarn ${name}`;
    default:
      // `bun test` is bun's own test runner, not the script, so always `bun run`.
      return `bun run ${name}`;
  }
}

async function detectPackageManager(
  repoRoot: string,
  notes: string[],
): Promise<Pick<DetectedProject, "packageManager" | "packageManagerFrom" | "checks">> {
  const pkgPath = join(repoRoot, "package.json");
  if (!(await exists(pkgPath))) {
    if (await exists(join(repoRoot, "Cargo.toml"))) {
      return {
        packageManager: "cargo",
        packageManagerFrom: "Cargo.toml",
        checks: { test: "cargo test", typecheck: "cargo check", build: "cargo build --release" },
      };
    }
    if (await exists(join(repoRoot, "go.mod"))) {
      return {
        packageManager: "go",
        packageManagerFrom: "go.mod",
        checks: { test: "go test ./...", typecheck: "go vet ./...", build: "go build ./..." },
      };
    }
    notes.push("no package.json, Cargo.toml or go.mod: write the test, typecheck and build commands yourself");
    return { packageManager: null, packageManagerFrom: null, checks: {} };
  }

  let pkg: { scripts?: unknown; packageManager?: unknown } = {};
  try {
    pkg = JSON.parse(await readFile(pkgPath, "utf8")) as typeof pkg;
  } catch (e) {
    notes.push(`package.json could not be read (${(e as Error).message}): scripts not detected`);
  }

  let pm: PackageManager | null = null;
  let from: string | null = null;
  const locks: string[] = [];
  for (const [file, manager] of LOCK_FILES) {
    if (await exists(join(repoRoot, file))) {
      locks.push(file);
      if (!pm) [pm, from] = [manager, file];
    }
  }
  if (locks.length > 1) notes.push(`several lock files (${locks.join(", ")}): ${pm ?? "?"} chosen from ${from ?? "?"}; delete the others`);
  if (!pm && typeof pkg.packageManager === "string") {
    const name = /^(npm|pnpm|yarn|bun)@/.exec(pkg.packageManager)?.[1] as PackageManager | undefined;
    if (name) [pm, from] = [name, `package.json packageManager`];
  }
  if (!pm) {
    [pm, from] = ["npm", null];
    notes.push("no lock file: npm assumed");
  }

  const scripts = pkg.scripts !== null && typeof pkg.scripts === "object" ? (pkg.scripts as Record<string, unknown>) : {};
  const checks: DetectedProject["checks"] = {};
  for (const kind of ["test", "typecheck", "build"] as const) {
    const name = SCRIPT_NAMES[kind].find((n) => typeof scripts[n] === "string" && scripts[n] !== "");
    const body = name ? String(scripts[name]) : "";
    // npm init writes a test script that only fails; running it proves nothing.
    if (name && !/no test specified/.test(body)) checks[kind] = scriptCommand(pm, name);
    else notes.push(`no ${kind} script in package.json`);
  }
  return { packageManager: pm, packageManagerFrom: from, checks };
}
