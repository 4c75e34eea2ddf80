// What a workflow may reach of the running process: the repository, the record, the config and
// who is acting, each built on first use. The CLI's App satisfies it (it is the composition
// root), and so does anything a server, an agent or a test builds. A workflow never takes App
// itself: that would bring in how the CLI reads flags, the environment and signals.

import type { Clock, DeployMark, Fence, Store } from "../ports.js";
import type { Config } from "../config/schema.js";
import type { Git } from "../ports/git.js";
import type { EffectDeps } from "./effect.js";

export interface WorkflowDeps {
  /** Where relative paths a person gave are resolved. */
  readonly cwd: string;
  /** The environment adapters read their secrets from (not necessarily process.env). */
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly git: Git;
  /** The lock this run holds (ship, rollback), if any: effects are fenced by it. */
  held: { fence: Fence; markDeploy(deploy: DeployMark | null): Promise<void> } | undefined;
  repoRoot(): Promise<string>;
  store(): Promise<Store>;
  config(): Promise<Config>;
  loadConfig(): Promise<{ config: Config; file: string | null; warnings: string[] }>;
  actor(): Promise<string>;
  effectDeps(): Promise<EffectDeps>;
}
