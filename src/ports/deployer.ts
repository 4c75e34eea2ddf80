// Deployers: how a version reaches an environment. One per platform (command, vercel, netlify,
// railway, elastic-beanstalk), built from deploy.<env> in .firebreak.yml by adapters/deploy/create.ts.
// The ship workflow wraps every call that changes the world in an effect; isLive() is what it asks
// when an interrupted deploy must be reconciled.

export type DeployEnv = "staging" | "production";

export interface DeployTarget {
  env: DeployEnv;
  version: string; // the tag (production) or the candidate version (staging)
  sha: string;
  ticket: string;
  /** Where the CLI runs: a clean checkout of `sha`, or the repository root. */
  cwd: string;
}

export type Deployment = {
  deployer: string;
  env: DeployEnv;
  version: string;
  sha: string;
  /** The platform's id for it (a deploy id, a version label), when it gives one. */
  id: string | null;
  url: string | null;
  /** What was live before, when the platform says (lets a rollback go back exactly there). */
  replaced?: string | null;
  logFile: string;
};

export interface DeployIO {
  /** Each line of output as it arrives: shown on the terminal and written to the log file. */
  line(text: string): void;
  /** Says what is about to run, before it runs. */
  announce(text: string): void;
  logFile: string;
  /**
   * Set for the runs that change the world: their output goes to this file (the log's raw twin,
   * 0600) so the command outlives a killed Firebreak instead of dying of a broken pipe, and
   * `started` is told each command's process group as soon as it runs.
   */
  spool?: string;
  started?(pgid: number): void;
}

export interface Deployer {
  readonly type: string;
  readonly env: DeployEnv;
  /** release: run in a clean checkout of the commit being deployed; repo: in the repository root. */
  readonly workdir: "release" | "repo";
  /** What will run, for the plan: an argument array or the team's command. */
  describe(t: DeployTarget): string;
  /** How this deployer goes back to the previous version, for the rollback plan. */
  readonly rollbackMethod: string;
  deploy(t: DeployTarget, io: DeployIO): Promise<Deployment>;
  /** Whether `t.version` is what the environment runs now; "unknown" when the platform cannot say. */
  isLive(t: DeployTarget, io: DeployIO): Promise<boolean | "unknown">;
  /**
   * The platform's own rollback to the previous version. Absent: the workflow redeploys the
   * previous tag through deploy() instead.
   */
  rollback?(
    current: Deployment,
    previous: { version: string; sha: string; deployment: Deployment | null },
    t: DeployTarget,
    io: DeployIO,
  ): Promise<Deployment>;
  /** Sets an environment variable on the platform and makes it take effect (a feature flag switched off). */
  setEnv?(name: string, value: string, current: Deployment | null, t: DeployTarget, io: DeployIO): Promise<Deployment>;
}
