// The platform CLIs: Vercel, Netlify, Railway and AWS Elastic Beanstalk. Each builds an argument
// array (never a shell string), gets its token from the environment (`env:NAME` in config; passed
// as the variable the CLI reads, never on the command line), streams the CLI's output, and reads
// the deployment id and URL from the output its documentation describes:
//   vercel deploy      stdout is the deployment URL
//   netlify deploy     --json prints { deploy_id, deploy_url, url, logs, … }
//   railway up         prints "Build Logs: https://railway.com/project/…?id=<deployment id>"
//   eb deploy / status status prints "Deployed Version: <label>" and "CNAME: <host>"

import type { DeployerConfig } from "../../config/schema-ship.js";
import { resolveSecret, type Secret } from "../../config/secrets.js";
import { registerSecret } from "../../redact.js";
import { FirebreakError } from "../../errors.js";
import type { Deployer, Deployment, DeployEnv, DeployIO, DeployTarget } from "../../ports/deployer.js";
import { assertOk, runArgv } from "./run-logged.js";

type Cfg<T extends string> = Extract<DeployerConfig, { type: T }>;

function secretFrom(ref: string | undefined, fallback: string, env: NodeJS.ProcessEnv, where: string): Secret {
  const s = resolveSecret(ref ?? `env:${fallback}`, env, where);
  registerSecret(s.reveal());
  return s;
}

const shown = (program: string, args: readonly string[]) => [program, ...args].join(" ");

abstract class CliDeployer implements Deployer {
  abstract readonly type: string;
  abstract readonly rollbackMethod: string;
  readonly workdir = "release" as const;
  protected abstract readonly program: string;
  constructor(
    readonly env: DeployEnv,
    protected readonly timeoutSeconds: number,
    protected readonly processEnv: NodeJS.ProcessEnv,
  ) {}
  protected abstract vars(): NodeJS.ProcessEnv;
  protected abstract deployArgs(t: DeployTarget): string[];
  abstract deploy(t: DeployTarget, io: DeployIO): Promise<Deployment>;
  abstract isLive(t: DeployTarget, io: DeployIO): Promise<boolean | "unknown">;

  describe(t: DeployTarget): string {
    return shown(this.program, this.deployArgs(t));
  }

  protected exec(args: readonly string[], t: DeployTarget, io: DeployIO, o: { input?: string; quiet?: boolean } = {}) {
    return runArgv(this.program, args, io, {
      cwd: t.cwd,
      env: this.vars(),
      input: o.input,
      quiet: o.quiet,
      timeoutMs: this.timeoutSeconds * 1000,
    });
  }

  protected done(t: DeployTarget, io: DeployIO, id: string | null, url: string | null, more: Partial<Deployment> = {}): Deployment {
    return { deployer: this.type, env: t.env, version: t.version, sha: t.sha, id, url, logFile: io.logFile, ...more };
  }
}

// --- Vercel ------------------------------------------------------------------------------------

export class VercelDeployer extends CliDeployer {
  readonly type = "vercel";
  readonly rollbackMethod = "vercel rollback (the previous production deployment)";
  protected readonly program = "vercel";
  private readonly token: Secret;
  constructor(
    env: DeployEnv,
    private readonly c: Cfg<"vercel">,
    processEnv: NodeJS.ProcessEnv,
  ) {
    super(env, c.timeoutSeconds, processEnv);
    this.token = secretFrom(c.token, "VERCEL_TOKEN", processEnv, `deploy.${env}.token`);
  }
  protected vars(): NodeJS.ProcessEnv {
    return {
      VERCEL_TOKEN: this.token.reveal(),
      ...(this.c.project ? { VERCEL_PROJECT_ID: this.c.project } : {}),
      ...(this.c.org ? { VERCEL_ORG_ID: this.c.org } : {}),
    };
  }
  private scope(): string[] {
    return this.c.scope ? ["--scope", this.c.scope] : [];
  }
  protected deployArgs(t: DeployTarget): string[] {
    return ["deploy", "--yes", ...(t.env === "production" ? ["--prod"] : []), "--meta", `firebreakVersion=${t.version}`, ...this.scope()];
  }
  async deploy(t: DeployTarget, io: DeployIO): Promise<Deployment> {
    const r = await this.exec(this.deployArgs(t), t, io);
    assertOk("vercel deploy", r, io);
    // "When deploying, stdout is always the Deployment URL."
    const url =
      r.stdout
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => /^https:\/\/\S+$/.test(l))
        .pop() ?? null;
    return this.done(t, io, url, url);
  }
  async isLive(): Promise<"unknown"> {
    return "unknown";
  }
  async rollback(
    _current: Deployment,
    previous: { version: string; sha: string; deployment: Deployment | null },
    t: DeployTarget,
    io: DeployIO,
  ): Promise<Deployment> {
    const to = previous.deployment?.url;
    const r = await this.exec(["rollback", ...(to ? [to] : []), "--timeout", "5m", ...this.scope()], t, io);
    assertOk("vercel rollback", r, io);
    return { ...this.done({ ...t, version: previous.version, sha: previous.sha }, io, to ?? null, to ?? null) };
  }
  async setEnv(name: string, value: string, current: Deployment | null, t: DeployTarget, io: DeployIO): Promise<Deployment> {
    // `vercel env add` reads the value from stdin; --force replaces an existing one.
    assertOk(
      `vercel env add ${name}`,
      await this.exec(["env", "add", name, t.env === "production" ? "production" : "preview", "--force", ...this.scope()], t, io, {
        input: value,
      }),
      io,
    );
    if (!current?.url) return this.deploy(t, io);
    const r = await this.exec(["redeploy", current.url, ...this.scope()], t, io);
    assertOk("vercel redeploy", r, io);
    const url =
      r.stdout
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => /^https:\/\/\S+$/.test(l))
        .pop() ?? current.url;
    return this.done(t, io, url, url);
  }
}

// --- Netlify -----------------------------------------------------------------------------------

interface NetlifyDeploy {
  id?: string;
  state?: string;
  title?: string | null;
  context?: string;
  created_at?: string;
  published_at?: string | null;
}

export class NetlifyDeployer extends CliDeployer {
  readonly type = "netlify";
  readonly rollbackMethod = "netlify restores the previous production deploy (api restoreSiteDeploy)";
  protected readonly program = "netlify";
  private readonly token: Secret;
  constructor(
    env: DeployEnv,
    private readonly c: Cfg<"netlify">,
    processEnv: NodeJS.ProcessEnv,
  ) {
    super(env, c.timeoutSeconds, processEnv);
    this.token = secretFrom(c.token, "NETLIFY_AUTH_TOKEN", processEnv, `deploy.${env}.token`);
  }
  protected vars(): NodeJS.ProcessEnv {
    return { NETLIFY_AUTH_TOKEN: this.token.reveal(), ...(this.c.site ? { NETLIFY_SITE_ID: this.c.site } : {}) };
  }
  private title(t: DeployTarget): string {
    return `firebreak ${t.version} (${t.ticket})`;
  }
  protected deployArgs(t: DeployTarget): string[] {
    return [
      "deploy",
      "--json",
      ...(t.env === "production" ? ["--prod"] : ["--alias", "staging"]),
      ...(this.c.dir ? ["--dir", this.c.dir] : []),
      ...(this.c.build ? [] : ["--no-build"]),
      "--message",
      this.title(t),
    ];
  }
  async deploy(t: DeployTarget, io: DeployIO): Promise<Deployment> {
    const r = await this.exec(this.deployArgs(t), t, io);
    assertOk("netlify deploy", r, io);
    const j = parseJsonObject(r.stdout) as { deploy_id?: string; deploy_url?: string; url?: string; logs?: string } | null;
    if (!j?.deploy_id)
      throw new FirebreakError({
        code: "DEPLOY_OUTPUT",
        message: "netlify deploy succeeded but printed no deploy_id.",
        why: `The log is in ${io.logFile}.`,
      });
    return this.done(t, io, j.deploy_id, (t.env === "production" ? j.url : j.deploy_url) ?? j.deploy_url ?? null);
  }
  private async deploys(t: DeployTarget, io: DeployIO): Promise<NetlifyDeploy[] | null> {
    if (!this.c.site) return null;
    const r = await this.exec(["api", "listSiteDeploys", "--data", JSON.stringify({ site_id: this.c.site })], t, io, { quiet: true });
    if (r.code !== 0) return null;
    const list = parseJsonArray(r.stdout);
    return list as NetlifyDeploy[] | null;
  }
  async isLive(t: DeployTarget, io: DeployIO): Promise<boolean | "unknown"> {
    const list = await this.deploys(t, io);
    if (!list) return "unknown";
    return list.some((d) => d.title === this.title(t) && d.state === "ready");
  }
  async rollback(
    current: Deployment,
    previous: { version: string; sha: string; deployment: Deployment | null },
    t: DeployTarget,
    io: DeployIO,
  ): Promise<Deployment> {
    let to = previous.deployment?.id ?? null;
    if (!to) {
      const list = (await this.deploys(t, io)) ?? [];
      to =
        list.find((d) => d.id !== current.id && d.state === "ready" && (d.context ?? "production") === "production" && d.published_at)
          ?.id ?? null;
    }
    if (!to || !this.c.site)
      throw new FirebreakError({
        code: "NO_PREVIOUS_DEPLOY",
        message: "Netlify has no earlier production deploy to restore (or deploy.production.site is not set).",
      });
    const r = await this.exec(["api", "restoreSiteDeploy", "--data", JSON.stringify({ site_id: this.c.site, deploy_id: to })], t, io);
    assertOk("netlify api restoreSiteDeploy", r, io);
    return this.done({ ...t, version: previous.version, sha: previous.sha }, io, to, null);
  }
  async setEnv(name: string, value: string, _current: Deployment | null, t: DeployTarget, io: DeployIO): Promise<Deployment> {
    assertOk(
      `netlify env:set ${name}`,
      await this.exec(["env:set", name, value, "--context", t.env === "production" ? "production" : "branch-deploy"], t, io),
      io,
    );
    return this.deploy(t, io); // variables take effect with the next build
  }
}

// --- Railway -----------------------------------------------------------------------------------

export class RailwayDeployer extends CliDeployer {
  readonly type = "railway";
  readonly rollbackMethod = "railway up from a checkout of the previous version (a redeploy of the previous one)";
  protected readonly program = "railway";
  private readonly token: Secret;
  constructor(
    env: DeployEnv,
    private readonly c: Cfg<"railway">,
    processEnv: NodeJS.ProcessEnv,
  ) {
    super(env, c.timeoutSeconds, processEnv);
    this.token = secretFrom(c.token, "RAILWAY_TOKEN", processEnv, `deploy.${env}.token`);
  }
  protected vars(): NodeJS.ProcessEnv {
    return { RAILWAY_TOKEN: this.token.reveal() };
  }
  private target(): string[] {
    return [...(this.c.service ? ["--service", this.c.service] : []), ...(this.c.environment ? ["--environment", this.c.environment] : [])];
  }
  protected deployArgs(): string[] {
    // --ci streams the build logs and exits when the build is done.
    return ["up", "--ci", ...this.target()];
  }
  async deploy(t: DeployTarget, io: DeployIO): Promise<Deployment> {
    const r = await this.exec(this.deployArgs(), t, io);
    assertOk("railway up", r, io);
    const logs = /Build Logs:\s*(https:\/\/\S+)/.exec(r.stdout + "\n" + r.stderr)?.[1] ?? null;
    const id = logs ? (/[?&]id=([A-Za-z0-9-]+)/.exec(logs)?.[1] ?? null) : null;
    return this.done(t, io, id, logs);
  }
  async isLive(): Promise<"unknown"> {
    return "unknown";
  }
  // No rollback(): the workflow redeploys the previous tag with `railway up` from its checkout.
  async setEnv(name: string, value: string, current: Deployment | null, t: DeployTarget, io: DeployIO): Promise<Deployment> {
    // Railway redeploys the service by itself when a variable changes.
    assertOk(`railway variables --set ${name}`, await this.exec(["variables", "--set", `${name}=${value}`, ...this.target()], t, io), io);
    return this.done(t, io, current?.id ?? null, current?.url ?? null);
  }
}

// --- AWS Elastic Beanstalk ---------------------------------------------------------------------

export class BeanstalkDeployer extends CliDeployer {
  readonly type = "elastic-beanstalk";
  readonly rollbackMethod = "eb deploy --version <the previous version label>";
  protected readonly program = "eb";
  private readonly secrets: Record<string, Secret>;
  constructor(
    env: DeployEnv,
    private readonly c: Cfg<"elastic-beanstalk">,
    processEnv: NodeJS.ProcessEnv,
  ) {
    super(env, c.timeoutSeconds, processEnv);
    this.secrets = {};
    if (c.accessKeyId)
      this.secrets.AWS_ACCESS_KEY_ID = secretFrom(c.accessKeyId, "AWS_ACCESS_KEY_ID", processEnv, `deploy.${env}.accessKeyId`);
    if (c.secretAccessKey)
      this.secrets.AWS_SECRET_ACCESS_KEY = secretFrom(
        c.secretAccessKey,
        "AWS_SECRET_ACCESS_KEY",
        processEnv,
        `deploy.${env}.secretAccessKey`,
      );
  }
  protected vars(): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(this.secrets).map(([k, s]) => [k, s.reveal()]));
  }
  private common(): string[] {
    return [...(this.c.region ? ["--region", this.c.region] : []), ...(this.c.profile ? ["--profile", this.c.profile] : [])];
  }
  private timeout(): string[] {
    return ["--timeout", String(Math.max(1, Math.ceil(this.timeoutSeconds / 60)))];
  }
  protected deployArgs(t: DeployTarget): string[] {
    return [
      "deploy",
      this.c.environment,
      "--label",
      t.version,
      "--message",
      `firebreak ${t.version} (${t.ticket})`,
      ...this.timeout(),
      ...this.common(),
    ];
  }
  private async status(t: DeployTarget, io: DeployIO): Promise<{ version: string | null; cname: string | null } | null> {
    const r = await this.exec(["status", this.c.environment, ...this.common()], t, io, { quiet: true });
    if (r.code !== 0) return null;
    return {
      version: /^\s*Deployed Version:\s*(\S+)/m.exec(r.stdout)?.[1] ?? null,
      cname: /^\s*CNAME:\s*(\S+)/m.exec(r.stdout)?.[1] ?? null,
    };
  }
  async deploy(t: DeployTarget, io: DeployIO): Promise<Deployment> {
    const before = await this.status(t, io);
    const r = await this.exec(this.deployArgs(t), t, io);
    assertOk("eb deploy", r, io);
    const after = await this.status(t, io);
    return this.done(t, io, t.version, after?.cname ? `http://${after.cname}` : null, { replaced: before?.version ?? null });
  }
  async isLive(t: DeployTarget, io: DeployIO): Promise<boolean | "unknown"> {
    const s = await this.status(t, io);
    return s?.version ? s.version === t.version : "unknown";
  }
  async rollback(
    current: Deployment,
    previous: { version: string; sha: string; deployment: Deployment | null },
    t: DeployTarget,
    io: DeployIO,
  ): Promise<Deployment> {
    // The label that was live before this release, else the previous release's own label.
    const label = current.replaced ?? previous.deployment?.id ?? previous.version;
    const r = await this.exec(["deploy", this.c.environment, "--version", label, ...this.timeout(), ...this.common()], t, io);
    assertOk("eb deploy --version", r, io);
    const after = await this.status(t, io);
    return this.done({ ...t, version: previous.version, sha: previous.sha }, io, label, after?.cname ? `http://${after.cname}` : null);
  }
  async setEnv(name: string, value: string, current: Deployment | null, t: DeployTarget, io: DeployIO): Promise<Deployment> {
    // eb setenv updates the environment and restarts the application with the new variable.
    assertOk(
      `eb setenv ${name}`,
      await this.exec(["setenv", `${name}=${value}`, "--environment", this.c.environment, ...this.timeout(), ...this.common()], t, io),
      io,
    );
    return this.done(t, io, current?.id ?? t.version, current?.url ?? null);
  }
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end < start) return null;
  try {
    const v = JSON.parse(text.slice(start, end + 1)) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function parseJsonArray(text: string): unknown[] | null {
  const start = text.indexOf("[");
  const end = text.lastIndexOf("]");
  if (start < 0 || end < start) return null;
  try {
    const v = JSON.parse(text.slice(start, end + 1)) as unknown;
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}
