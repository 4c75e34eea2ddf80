// The team's own deploy command (deploy.<env>.type: command). It is a shell string the team wrote
// in .firebreak.yml, shown before it runs; Firebreak passes the release as environment variables
// (FIREBREAK_VERSION, FIREBREAK_SHA, FIREBREAK_TICKET, FIREBREAK_ENV), never inside the string.
// `status` prints the live version (reconciles an interrupted deploy); `rollback` goes back.

import type { DeployerConfig } from "../../config/schema-ship.js";
import type { Deployer, Deployment, DeployEnv, DeployIO, DeployTarget } from "../../ports/deployer.js";
import { assertOk, runTeamCommand } from "./run-logged.js";

type CommandConfig = Extract<DeployerConfig, { type: "command" }>;

export class CommandDeployer implements Deployer {
  readonly type = "command";
  readonly workdir: "release" | "repo";
  readonly rollbackMethod: string;
  constructor(
    readonly env: DeployEnv,
    private readonly c: CommandConfig,
  ) {
    this.workdir = c.workdir;
    this.rollbackMethod = c.rollback ? `the rollback command: ${c.rollback}` : "the deploy command run again with the previous version";
  }

  private vars(t: DeployTarget, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { FIREBREAK_VERSION: t.version, FIREBREAK_SHA: t.sha, FIREBREAK_TICKET: t.ticket, FIREBREAK_ENV: t.env, ...extra };
  }

  describe(): string {
    return this.c.command;
  }

  private async runDeploy(t: DeployTarget, io: DeployIO, extra: Record<string, string> = {}): Promise<Deployment> {
    const r = await runTeamCommand(this.c.command, io, { cwd: t.cwd, env: this.vars(t, extra), timeoutMs: this.c.timeoutSeconds * 1000 });
    assertOk(`The ${t.env} deploy command`, r, io);
    return { deployer: this.type, env: t.env, version: t.version, sha: t.sha, id: null, url: lastUrl(r.stdout), logFile: io.logFile };
  }

  deploy(t: DeployTarget, io: DeployIO): Promise<Deployment> {
    return this.runDeploy(t, io);
  }

  async isLive(t: DeployTarget, io: DeployIO): Promise<boolean | "unknown"> {
    if (!this.c.status) return "unknown";
    const r = await runTeamCommand(this.c.status, io, { cwd: t.cwd, env: this.vars(t), timeoutMs: 60_000 });
    if (r.code !== 0 || r.timedOut) return "unknown";
    const live = r.stdout
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "");
    return live === t.version;
  }

  get rollback(): Deployer["rollback"] {
    const cmd = this.c.rollback;
    if (!cmd) return undefined;
    return async (current, previous, t, io) => {
      const r = await runTeamCommand(cmd, io, {
        cwd: t.cwd,
        env: this.vars({ ...t, version: previous.version, sha: previous.sha }, { FIREBREAK_ROLLBACK_FROM: current.version }),
        timeoutMs: this.c.timeoutSeconds * 1000,
      });
      assertOk(`The ${t.env} rollback command`, r, io);
      return {
        deployer: this.type,
        env: t.env,
        version: previous.version,
        sha: previous.sha,
        id: null,
        url: lastUrl(r.stdout),
        logFile: io.logFile,
      };
    };
  }

  /** A flag through the deployer: the deploy command again, with the variable set. */
  async setEnv(name: string, value: string, _current: Deployment | null, t: DeployTarget, io: DeployIO): Promise<Deployment> {
    return this.runDeploy(t, io, { [name]: value });
  }
}

/** The last http(s) URL a command printed, if any: often the deployment's address. */
export function lastUrl(text: string): string | null {
  const urls = text.match(/https?:\/\/[^\s"'<>]+/g);
  return urls?.[urls.length - 1] ?? null;
}
