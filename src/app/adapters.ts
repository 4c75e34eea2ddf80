// The builders of every adapter, from config and the environment: the place Firebreak makes a
// forge, a deployer, a tracker, notifiers or metric sources. An operation is handed what it uses,
// already built; it never builds one itself. The sites that still build their own are listed in
// .dependency-cruiser-known-violations.json (and docs/architecture.md); config/, guard/ and
// backport/ make a Git adapter for the folder they are given.
// Each builder loads its adapter's module on first use, so a command that never touches a forge
// (`firebreak status`) does not pay for the GitHub client at start-up.

import { Git as GitCli } from "../adapters/git/git.js";
import type { NotifyContext } from "../adapters/notify/context.js";
import type { Config } from "../config/schema.js";
import type { VerifyEnvironment } from "../config/schema-verify.js";
import type { Clock } from "../ports/clock.js";
import type { Deployer, DeployEnv } from "../ports/deployer.js";
import type { Forge } from "../ports/forge.js";
import type { Git } from "../ports/git.js";
import type { MetricSourceFactory } from "../ports/metric-source.js";
import type { Notifiers } from "../ports/notifier.js";
import type { Secrets } from "../ports/secrets.js";
import type { Store } from "../ports/store.js";
import type { Tracker } from "../ports/tracker.js";

/** What the builders read: the App gives these (each lazy itself). */
export interface AdapterSources {
  cwd: string;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** The git of `cwd`, shared so its checks of a remote are made once per run. */
  git: GitCli;
  config(): Promise<Config>;
  repoRoot(): Promise<string>;
  store(): Promise<Store>;
  actor(): Promise<string>;
}

export class Adapters {
  constructor(private readonly from: AdapterSources) {}

  /** Git in `cwd` (a worktree, the repository root); the run's own git for its own folder. */
  git(cwd: string = this.from.cwd): GitCli {
    return cwd === this.from.cwd ? this.from.git : new GitCli(cwd);
  }

  /**
   * The configured forge (forge.type: plain git unless github). `git`: the checkout it works in,
   * when not the run's folder; `log`: where the GitHub client says it waits (rate limits, retries).
   */
  async forge(opts: { git?: Git; log?: (line: string) => void } = {}): Promise<Forge> {
    const { createForge } = await import("../adapters/forge/create.js");
    const [config, store, actor] = [await this.from.config(), await this.from.store(), await this.from.actor()];
    return createForge({
      config,
      git: (opts.git as GitCli | undefined) ?? this.from.git,
      store,
      clock: this.from.clock,
      actor,
      env: this.from.env,
      ...(opts.log ? { log: opts.log } : {}),
    });
  }

  /** The deployer configured for `env` (deploy.<env>), or null when there is none. Its secrets must exist. */
  async deployer(env: DeployEnv): Promise<Deployer | null> {
    const { createDeployer } = await import("../adapters/deploy/create.js");
    return createDeployer(await this.from.config(), env, this.from.env);
  }

  /** The tracker follow-ups go to (tracker.type, else the forge's), for the incident `ticket`. */
  async tracker(ticket: string): Promise<Tracker> {
    const { createTracker } = await import("../adapters/tracker/create.js");
    return createTracker({ config: await this.from.config(), git: this.from.git, ticket, env: this.from.env });
  }

  /** Every announcement channel's notifier, each built when first asked for (notify.* in .firebreak.yml). */
  async notifiers(net: NotifyContext): Promise<Notifiers> {
    const { createNotifiers } = await import("../adapters/notify/create.js");
    return createNotifiers({ notify: (await this.from.config()).notify, env: this.from.env, repoRoot: await this.from.repoRoot(), net });
  }

  /** The metric sources of verify.metrics that apply to `env`, each built on demand. */
  async metricSources(env: VerifyEnvironment): Promise<MetricSourceFactory> {
    const { createMetricSources } = await import("../verify/sources/create.js");
    return createMetricSources((await this.from.config()).verify, env, this.from.env);
  }

  /** Secrets named in the config (env:NAME), registered for redaction as they are read. */
  async secrets(): Promise<Secrets> {
    const { EnvSecrets } = await import("../adapters/secrets/env.js");
    return new EnvSecrets(this.from.env);
  }
}
