// Builds the demo's sandbox in a temp folder: a bare origin, a work clone of a small real web
// service with a history (the bug arrives with a refactor), release branches, tag v1.4.2, the
// team's deploy script and a .firebreak.yml. Nothing here touches the network.

import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Sandbox {
  root: string;
  origin: string;
  work: string; // the engineer's clone; commands run here
  runtime: string; // where the deploy script runs the service
  out: string; // messages, status page, review copies
  port: number;
  templates: string; // demo/sandbox in the Firebreak package
}

const IDENTITY = {
  GIT_AUTHOR_NAME: "Dana Reyes",
  GIT_AUTHOR_EMAIL: "dana@sandbox.example",
  GIT_COMMITTER_NAME: "Dana Reyes",
  GIT_COMMITTER_EMAIL: "dana@sandbox.example",
};

export const git = (cwd: string, args: string[], env: Record<string, string> = {}): string =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...IDENTITY, GIT_TERMINAL_PROMPT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();

/** demo/sandbox in the installed package, found from this file whether bundled or not. */
export function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "demo", "sandbox");
    if (existsSync(join(candidate, "ops", "deploy.mjs"))) return candidate;
    dir = dirname(dir);
  }
  throw new Error("demo/sandbox is missing from the Firebreak package: reinstall it");
}

// Before the refactor, tokens kept their expiry as `expiresAt`; auth.mjs still reads that name.
const TOKENS_BEFORE = `// The sandbox service's token store: who a bearer token belongs to and when it expires.
// Fixed data so the demo is repeatable.

const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);

export const TOKENS = {
  "tok-alice": { sub: "alice", expiresAt: now() + 8 * HOUR, scope: ["read"] },
  "tok-expired-bob": { sub: "bob", expiresAt: now() - 2 * HOUR, scope: ["read"] },
  "tok-legacy-carol": { sub: "carol", expiresAt: now() + 8 * HOUR },
};
`;

export function buildSandbox(opts: { port: number; config: (s: Sandbox) => string }): Sandbox {
  const templates = templatesDir();
  const root = mkdtempSync(join(tmpdir(), "firebreak-demo-"));
  const sb: Sandbox = {
    root,
    origin: join(root, "origin.git"),
    work: join(root, "api"),
    runtime: join(root, "runtime"),
    out: join(root, "out"),
    port: opts.port,
    templates,
  };
  for (const d of [sb.runtime, sb.out, join(root, "ops")]) mkdirSync(d, { recursive: true });
  cpSync(join(templates, "ops"), join(root, "ops"), { recursive: true });

  git(root, ["init", "-q", "--bare", "--initial-branch=main", sb.origin]);
  git(root, ["init", "-q", "--initial-branch=main", sb.work]);
  const w = (...args: string[]) => git(sb.work, args);
  w("config", "user.name", IDENTITY.GIT_AUTHOR_NAME);
  w("config", "user.email", IDENTITY.GIT_AUTHOR_EMAIL);
  w("remote", "add", "origin", sb.origin);

  // v1.4.1: the service as it was, tokens with `expiresAt`.
  cpSync(join(templates, "service"), sb.work, { recursive: true });
  writeFileSync(join(sb.work, "src/tokens.mjs"), TOKENS_BEFORE);
  writeFileSync(join(sb.work, ".gitignore"), "node_modules/\n");
  w("add", "-A");
  w("commit", "-q", "-m", "feat: profile API with bearer tokens");
  w("tag", "-a", "v1.4.1", "-m", "v1.4.1");

  // v1.4.2: the refactor to JWT-style `exp` that left auth.mjs reading a field that is gone.
  cpSync(join(templates, "service/src/tokens.mjs"), join(sb.work, "src/tokens.mjs"));
  w("commit", "-q", "-am", "refactor: JWT-style exp claim on tokens");
  writeFileSync(join(sb.work, ".firebreak.yml"), opts.config(sb));
  w("add", ".firebreak.yml");
  w("commit", "-q", "-m", "chore: firebreak config");
  w("tag", "-a", "v1.4.2", "-m", "v1.4.2");

  // Release branches that moved on, so the backport is a real cherry-pick.
  w("switch", "-q", "-c", "release-candidate");
  writeFileSync(join(sb.work, "CHANGELOG.md"), "# Changelog\n\n## 1.5.0 (candidate)\n- Profile pictures\n");
  w("add", "-A");
  w("commit", "-q", "-m", "docs: changelog for 1.5.0");
  w("switch", "-q", "-c", "develop");
  const readme = join(sb.work, "README.md");
  writeFileSync(
    readme,
    (existsSync(readme) ? readFileSync(readme, "utf8") : "# sandbox-api\n") + "\nNext: profile pictures, then teams.\n",
  );
  w("add", "-A");
  w("commit", "-q", "-m", "docs: roadmap");
  w("switch", "-q", "main");
  w("push", "-q", "origin", "main", "release-candidate", "develop", "--tags");
  w("branch", "-q", "--set-upstream-to=origin/main", "main");
  return sb;
}

/** The fix (or, in the regression scenario, a bad fix) and its regression test, as an engineer writes them. */
export function applyFix(sb: Sandbox, scenario: "fix" | "regression"): string[] {
  const from = join(sb.templates, scenario === "fix" ? "fix" : "bad-fix");
  cpSync(join(from, "auth.mjs"), join(sb.work, "src/auth.mjs"));
  cpSync(join(from, "auth-expired.test.mjs"), join(sb.work, "test/auth-expired.test.mjs"));
  git(sb.work, ["add", "src/auth.mjs", "test/auth-expired.test.mjs"]);
  return ["src/auth.mjs", "test/auth-expired.test.mjs"];
}
