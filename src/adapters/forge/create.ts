// Builds the configured forge: plain git unless forge.type is github. The token comes from
// forge.token (env:NAME), GITHUB_TOKEN, GH_TOKEN, or `gh auth token`, in that order; it is
// registered for redaction the moment it is read and only ever sent in the Authorization header.

import type { Config } from "../../config/schema.js";
import { resolveSecret, Secret } from "../../config/secrets.js";
import { parseGitHubRemote } from "../../config/remote-url.js";
import { FirebreakError } from "../../errors.js";
import { registerSecret } from "../../redact.js";
import type { Store, Clock } from "../../ports.js";
import { run } from "../process.js";
import type { Git } from "../../ports/git.js";
import type { Forge } from "../../ports/forge.js";
import { GitHubForge } from "./github.js";
import { GitForge } from "./git-forge.js";

export interface ForgeContext {
  config: Config;
  git: Git;
  store: Store;
  clock: Clock;
  actor: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/** The host of a GitHub Enterprise API URL (https://ghe.example.com/api/v3 → ghe.example.com). */
const hostOf = (baseUrl: string | undefined) => (baseUrl ? new URL(baseUrl).hostname : "github.com");

export async function resolveGitHubToken(opts: { configToken?: string; env?: NodeJS.ProcessEnv; host?: string }): Promise<Secret> {
  const env = opts.env ?? process.env;
  let secret: Secret | null = null;
  if (opts.configToken) secret = resolveSecret(opts.configToken, env, "forge.token");
  else if (env.GITHUB_TOKEN) secret = new Secret(env.GITHUB_TOKEN, "env:GITHUB_TOKEN");
  else if (env.GH_TOKEN) secret = new Secret(env.GH_TOKEN, "env:GH_TOKEN");
  else {
    const host = opts.host ?? "github.com";
    const r = await run("gh", ["auth", "token", "--hostname", host], {
      env: { GH_PROMPT_DISABLED: "1", NO_COLOR: "1" },
      timeoutMs: 10_000,
    }).catch(() => null);
    const token = r?.code === 0 ? r.stdout.trim() : "";
    if (token) secret = new Secret(token, "gh auth token");
  }
  if (!secret) {
    throw new FirebreakError({
      code: "FORGE_NO_TOKEN",
      message: "forge.type is github, but no GitHub token was found.",
    });
  }
  registerSecret(secret.reveal());
  return secret;
}

/** owner/name from forge.repo, else from the remote's URL (github.com, or the Enterprise host). */
export function resolveGitHubRepo(
  configRepo: string | undefined,
  remoteUrl: string | null,
  baseUrl?: string,
): { owner: string; name: string } {
  if (configRepo) {
    const [owner = "", name = ""] = configRepo.split("/");
    return { owner, name };
  }
  const url = remoteUrl ?? "";
  const parsed = parseGitHubRemote(url) ?? parseEnterpriseRemote(url, hostOf(baseUrl));
  if (parsed) return parsed;
  throw new FirebreakError({
    code: "FORGE_NO_REPO",
    message: "Cannot tell which GitHub repository this is: the remote is not on GitHub and forge.repo is not set.",
  });
}

function parseEnterpriseRemote(url: string, host: string): { owner: string; name: string } | null {
  const h = host.replace(/[.]/g, "\\.");
  const m =
    new RegExp(`^(?:https?|ssh)://(?:[^@/]+@)?${h}(?::\\d+)?/([^/]+)/([^/]+?)(?:\\.git)?/?$`, "i").exec(url) ??
    new RegExp(`^(?:[^@/:]+@)?${h}:/?([^/]+)/([^/]+?)(?:\\.git)?/?$`, "i").exec(url);
  const ok = /^[A-Za-z0-9_.-]+$/;
  return m?.[1] && m[2] && ok.test(m[1]) && ok.test(m[2]) ? { owner: m[1], name: m[2] } : null;
}

// One case per FORGE_KINDS entry: the switch is exhaustive, so a forge named there and not built
// here fails to compile instead of quietly becoming the offline one.
export async function createForge(ctx: ForgeContext): Promise<Forge> {
  const { config } = ctx;
  switch (config.forge.type) {
    case "git":
      return new GitForge({ git: ctx.git, store: ctx.store, clock: ctx.clock, actor: ctx.actor, remote: config.production.remote });
    case "github": {
      const token = await resolveGitHubToken({ configToken: config.forge.token, env: ctx.env, host: hostOf(config.forge.baseUrl) });
      const remoteUrl = config.forge.repo ? null : await ctx.git.remoteUrl(config.production.remote).catch(() => null);
      const repo = resolveGitHubRepo(config.forge.repo, remoteUrl, config.forge.baseUrl);
      return new GitHubForge({ owner: repo.owner, repo: repo.name, token, baseUrl: config.forge.baseUrl, log: ctx.log });
    }
  }
}
