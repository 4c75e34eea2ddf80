// The forge of a run in GitHub Actions: the repository, API and token the runner names, whatever
// .firebreak.yml says (the workflow is the authority on where it runs). The gate's check runs and
// the job running it are left out of the CI state it reads: it must not wait for itself.

import { registerSecret } from "../redact.js";
import { Secret } from "../config/secrets.js";
import { GitHubForge } from "../adapters/forge/github.js";
import type { ActionsEnv } from "./environment.js";

export const GUARD_CHECK = "firebreak guard";
export const GATE_CHECK = "firebreak gate";
export const BACKPORT_CHECK = "firebreak backport";

export function actionForge(env: ActionsEnv, opts: { ignoreChecks?: readonly string[]; log?: (line: string) => void } = {}): GitHubForge {
  registerSecret(env.token);
  const ignored = opts.ignoreChecks ?? [];
  return new GitHubForge({
    owner: env.owner,
    repo: env.repo,
    token: new Secret(env.token, env.defaultToken ? "env:GITHUB_TOKEN" : "input token"),
    baseUrl: env.apiUrl,
    ...(opts.log ? { log: opts.log } : {}),
    ignoreChecks: (name) => name.startsWith(GATE_CHECK) || ignored.includes(name),
  });
}
