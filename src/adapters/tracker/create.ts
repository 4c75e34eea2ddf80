// Builds the configured tracker: tracker.type, else the forge (GitHub issues on a GitHub forge,
// the offline file otherwise). Linear's key comes from tracker.token (env:NAME) or LINEAR_API_KEY;
// GitHub's token is the forge's. Each is registered for redaction the moment it is read.

import type { Config } from "../../config/schema.js";
import { DEFAULT_ISSUE_PATTERN } from "../../config/schema-review.js";
import { resolveSecret, Secret } from "../../config/secrets.js";
import { FirebreakError } from "../../errors.js";
import { registerSecret } from "../../redact.js";
import type { Git } from "../../ports/git.js";
import { resolveGitHubRepo, resolveGitHubToken } from "../forge/create.js";
import type { Tracker } from "../../ports/tracker.js";
import { FileTracker } from "./file.js";

export interface TrackerContext {
  config: Config;
  git: Git;
  ticket: string;
  env?: NodeJS.ProcessEnv;
}

export type TrackerKind = "github" | "linear" | "file";

export const trackerKind = (config: Config): TrackerKind => config.tracker.type ?? (config.forge.type === "github" ? "github" : "file");

export async function createTracker(ctx: TrackerContext): Promise<Tracker> {
  const { config } = ctx;
  const env = ctx.env ?? process.env;
  const kind = trackerKind(config);
  if (kind === "linear") {
    const teamId = config.tracker.teamId;
    if (!teamId) throw new FirebreakError({ code: "TRACKER_CONFIG", message: "tracker.type is linear, but tracker.teamId is not set." });
    let token: Secret;
    if (config.tracker.token) token = resolveSecret(config.tracker.token, env, "tracker.token");
    else if (env.LINEAR_API_KEY) token = new Secret(env.LINEAR_API_KEY, "env:LINEAR_API_KEY");
    else throw new FirebreakError({ code: "TRACKER_NO_TOKEN", message: "tracker.type is linear, but no Linear API key was found." });
    registerSecret(token.reveal());
    const { LinearTracker } = await import("./linear.js");
    return new LinearTracker({ teamId, token, ...(config.tracker.apiUrl ? { apiUrl: config.tracker.apiUrl } : {}) });
  }
  if (kind === "github") {
    const host = config.forge.baseUrl ? new URL(config.forge.baseUrl).hostname : "github.com";
    const token = await resolveGitHubToken({ configToken: config.forge.token, env, host });
    const remoteUrl = config.forge.repo ? null : await ctx.git.remoteUrl(config.production.remote).catch(() => null);
    const repo = resolveGitHubRepo(config.forge.repo, remoteUrl, config.forge.baseUrl);
    const { GitHubTracker } = await import("./github.js");
    return new GitHubTracker({
      owner: repo.owner,
      repo: repo.name,
      token,
      ...(config.forge.baseUrl ? { baseUrl: config.forge.baseUrl } : {}),
      issuePattern: config.tracker.issuePattern ?? DEFAULT_ISSUE_PATTERN,
    });
  }
  return FileTracker.forIncident(await ctx.git.commonDir(), ctx.ticket);
}
