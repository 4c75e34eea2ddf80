import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeRepo, type GitFixture } from "../helpers/git-fixture.js";
import { detectProject, scriptCommand } from "../../src/config/detect.js";
import { parseGitHubRemote } from "../../src/config/remote-url.js";
import { renderStarterConfig } from "../../src/config/starter.js";
import { loadConfig } from "../../src/config/load.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function repo(opts: Parameters<typeof makeRepo>[0] = {}): GitFixture {
  const fx = makeRepo(opts);
  cleanups.push(fx.cleanup);
  return fx;
}

const pkg = (scripts: Record<string, string>) => JSON.stringify({ name: "svc", scripts }, null, 2);

/** Writes the starter for `dir` and loads it back: the file must be valid as written. */
async function roundTrip(dir: string) {
  const detected = await detectProject(dir);
  const text = renderStarterConfig(detected, { machineTimeZone: "UTC" });
  writeFileSync(join(dir, ".firebreak.yml"), text);
  const loaded = await loadConfig(dir);
  return { detected, text, loaded };
}

describe("detectProject", () => {
  it("reads the production branch from the remote's HEAD and npm scripts from package.json", async () => {
    const fx = repo();
    fx.write("package-lock.json", "{}");
    fx.write("package.json", pkg({ test: "vitest run", "type-check": "tsc --noEmit", build: "tsup" }));
    const d = await detectProject(fx.work);
    expect(d).toMatchObject({
      remote: "origin",
      productionBranch: "main",
      productionBranchFrom: "remote-head",
      forge: { type: "git", repo: null },
      packageManager: "npm",
      packageManagerFrom: "package-lock.json",
      checks: { test: "npm test", typecheck: "npm run type-check", build: "npm run build" },
    });
  });

  it("uses pnpm's commands when pnpm-lock.yaml is there, and says what it did not find", async () => {
    const fx = repo();
    fx.write("pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
    fx.write("package.json", pkg({ test: "vitest", typecheck: "tsc -p ." }));
    const d = await detectProject(fx.work);
    expect(d.packageManager).toBe("pnpm");
    expect(d.checks).toEqual({ test: "pnpm test", typecheck: "pnpm run typecheck" });
    expect(d.notes).toContain("no build script in package.json");
  });

  it("skips the placeholder test script npm init writes", async () => {
    const fx = repo();
    fx.write("yarn.lock", "");
    fx.write("package.json", pkg({ test: 'echo "Error: no test specified" && exit 1', build: "vite build", tsc: "tsc" }));
    const d = await detectProject(fx.work);
    expect(d.checks).toEqual({ typecheck: "yarn tsc", build: "yarn build" });
  });

  it("recognises a github.com remote in ssh and https forms without fetching", async () => {
    const fx = repo();
    fx.git("remote", "set-url", "origin", "git@github.com:acme/payments-api.git");
    expect((await detectProject(fx.work)).forge).toEqual({ type: "github", repo: "acme/payments-api" });

    fx.git("remote", "set-url", "origin", "https://ci-bot:not-a-real-password@github.com/acme/web");
    const d = await detectProject(fx.work);
    expect(d.forge).toEqual({ type: "github", repo: "acme/web" });
    expect(d.remoteUrl).toBe("https://github.com/acme/web");
    expect(d.productionBranch).toBe("main"); // from refs/remotes/origin/HEAD, known locally
  });

  it("finds master: from the remote's HEAD, from ls-remote, then from local branches", async () => {
    const fx = repo({ branch: "master" });
    expect((await detectProject(fx.work)).productionBranch).toBe("master");

    fx.git("remote", "set-head", "origin", "--delete");
    const viaLs = await detectProject(fx.work);
    expect(viaLs).toMatchObject({ productionBranch: "master", productionBranchFrom: "ls-remote" });

    fx.git("remote", "remove", "origin");
    const local = await detectProject(fx.work);
    expect(local).toMatchObject({ remote: null, productionBranch: "master", productionBranchFrom: "local-master" });
    expect(local.notes.join("\n")).toMatch(/no git remote found/);
  });

  it("prefers main to master when the remote cannot say", async () => {
    const fx = repo({ branch: "master" });
    fx.git("branch", "main");
    fx.git("remote", "remove", "origin");
    expect(await detectProject(fx.work)).toMatchObject({ productionBranch: "main", productionBranchFrom: "local-main" });
  });

  it("picks origin among several remotes, else the first", async () => {
    const fx = repo();
    fx.git("remote", "add", "aaa", fx.origin);
    expect((await detectProject(fx.work)).remote).toBe("origin");
    fx.git("remote", "remove", "origin");
    expect((await detectProject(fx.work)).remote).toBe("aaa");
  });
});

describe("remote URLs and commands", () => {
  it("parses the GitHub URL forms people have", () => {
    for (const url of [
      "https://github.com/acme/api.git",
      "https://github.com/acme/api",
      "git@github.com:acme/api.git",
      "ssh://git@github.com/acme/api.git",
      "ssh://git@github.com:22/acme/api",
      "git://github.com/acme/api.git",
    ]) {
      expect(parseGitHubRemote(url), url).toEqual({ owner: "acme", name: "api" });
    }
    for (const url of [
      "https://gitlab.com/acme/api.git",
      "git@github.com.evil.test:acme/api.git",
      "https://evilgithub.com/acme/api",
      "/srv/git/api.git",
    ]) {
      expect(parseGitHubRemote(url), url).toBeNull();
    }
  });

  it("writes each package manager's script command", () => {
    expect(scriptCommand("npm", "test")).toBe("npm test");
    expect(scriptCommand("npm", "build")).toBe("npm run build");
    expect(scriptCommand("pnpm", "typecheck")).toBe("pnpm run typecheck");
    expect(scriptCommand("yarn", "build")).toBe("yarn build");
    expect(scriptCommand("bun", "test")).toBe("bun run test");
  });
});

describe("renderStarterConfig", () => {
  it("round-trips through loadConfig with what was detected", async () => {
    const fx = repo();
    fx.git("remote", "set-url", "origin", "git@github.com:acme/api.git");
    fx.write("pnpm-lock.yaml", "");
    fx.write("package.json", pkg({ test: "vitest", "check-types": "tsc", build: "tsc -b" }));
    const { text, loaded } = await roundTrip(fx.work);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config.production).toEqual({ branch: "main", remote: "origin" });
    expect(loaded.config.forge).toEqual({ type: "github", repo: "acme/api", token: "env:GITHUB_TOKEN" });
    expect(loaded.config.checks).toEqual({
      test: "pnpm test",
      typecheck: "pnpm run check-types",
      build: "pnpm run build",
      timeoutSeconds: 600,
    });
    expect(text).toContain("# Detected: origin's HEAD points at main.");
    expect(text).toContain("# Detected: remote origin is on github.com (acme/api).");
    expect(text).toContain("# Detected: pnpm (from pnpm-lock.yaml).");
  });

  it("round-trips for a master-only repository with a plain git remote", async () => {
    const fx = repo({ branch: "master" });
    const { loaded, text } = await roundTrip(fx.work);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config.production.branch).toBe("master");
    expect(loaded.config.forge.type).toBe("git");
    expect(text).toContain("# test: '…'   # not detected");
  });

  it("keeps its commented examples valid: uncommented, they load too", async () => {
    const fx = repo();
    const { text } = await roundTrip(fx.work);
    const uncommented = text.replace(/^# ((?:guard|backport|deploy|verify|notify):.*|  .*)$/gm, "$1");
    expect(uncommented).toContain("\nbackport:\n  targets:\n    - branch: develop");
    writeFileSync(join(fx.work, ".firebreak.yml"), uncommented);
    const loaded = await loadConfig(fx.work);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config.backport.targets).toEqual([{ branch: "develop" }, { branch: "release-candidate", short: "rc" }]);
    expect(loaded.config.guard.levels?.P0).toEqual({ maxFiles: 5, maxLines: 150 });
  });

  it("round-trips when nothing can be detected", async () => {
    const dir = mkdtempSync(join(tmpdir(), "firebreak-empty-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { loaded, detected, text } = await roundTrip(dir);
    expect(detected).toMatchObject({ remote: null, productionBranch: "main", productionBranchFrom: "default", packageManager: null });
    expect(loaded.config.production).toEqual({ branch: "main", remote: "origin" });
    expect(text).toContain("# Notes from detection:");
  });

  it("quotes detected values so YAML reads them back exactly", async () => {
    const text = renderStarterConfig(
      {
        remote: "up'stream",
        remoteUrl: null,
        productionBranch: "release/2.x",
        productionBranchFrom: "remote-head",
        forge: { type: "git", repo: null },
        packageManager: "npm",
        packageManagerFrom: null,
        checks: { test: "npm test -- --grep 'a: b' # not a comment" },
        notes: ["line one\nline two: not yaml"],
      },
      { machineTimeZone: "Europe/Berlin" },
    );
    const { parseConfigText } = await import("../../src/config/load.js");
    const fixed = parseConfigText(text);
    expect(fixed.config.production.remote).toBe("up'stream");
    expect(fixed.config.production.branch).toBe("release/2.x");
    expect(fixed.config.checks.test).toBe("npm test -- --grep 'a: b' # not a comment");
    expect(text).toContain("# This machine's time zone is Europe/Berlin");
  });
});
