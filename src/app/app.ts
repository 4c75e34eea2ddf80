// The composition root: the one place adapters are built from config and the environment.
// Everything is created on first use, so `firebreak status` does not pay for what it never touches
// (config validation, forge clients…), which keeps start-up close to bare node.

import type { Clock, DeployMark, Fence, Store } from "../ports.js";
import type { Config } from "../config/schema.js";
import { Git } from "../adapters/git/git.js";
import { Adapters } from "./adapters.js";
import { locateDb } from "./locate-db.js";
import { systemClock } from "./clock.js";
import { E, FirebreakError, isFirebreakError } from "../errors.js";
import type { ResilientStore } from "../store/resilient-store.js";
import type { WhoAmI } from "../store/remote-protocol.js";
import { credentialsPath, savedIdentity, serverKey, serverUrlFor, tokenFor } from "./server-login.js";
import { dirname, join } from "node:path";
import { registerSecret } from "../redact.js";
import type { EffectDeps } from "../workflow/effect.js";

export interface AppOptions {
  cwd: string;
  db?: string;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Where warnings the person must see go (the command's stderr). */
  warn?: (line: string) => void;
  /** --offline --reason: when the team server does not answer, work on this clone's offline record. */
  offline?: { reason: string; command: string };
}

export class App {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly warn: (line: string) => void;
  readonly git: Git;
  /** Every other adapter, each built from config and the environment on first use. */
  readonly adapters: Adapters;
  private readonly dbFlag: string | undefined;
  private readonly offline: AppOptions["offline"];
  private storePromise: Promise<Store> | undefined;
  private configPromise: Promise<{ config: Config; file: string | null; warnings: string[] }> | undefined;
  private rootCache: string | undefined;
  /** The incident this command resolved, if any: where an interruption is recorded. */
  incidentInView: { id: string; ticket: string } | undefined;
  private actorCache: string | undefined;
  private remotePromise: Promise<ResilientStore | null> | undefined;
  private whoPromise: Promise<WhoAmI & { server: string }> | undefined;
  /**
   * The lock this run holds (ship, rollback), if any: every effect's intent is then fenced by it,
   * and a deploy records its process group on it.
   */
  held: { fence: Fence; markDeploy(deploy: DeployMark | null): Promise<void> } | undefined;

  constructor(opts: AppOptions) {
    this.cwd = opts.cwd;
    this.env = opts.env ?? process.env;
    this.clock = opts.clock ?? systemClock(this.env);
    this.warn = opts.warn ?? ((line) => process.stderr.write(`${line}\n`));
    this.git = new Git(opts.cwd);
    this.dbFlag = opts.db;
    this.offline = opts.offline;
    this.adapters = new Adapters({
      cwd: this.cwd,
      env: this.env,
      clock: this.clock,
      git: this.git,
      config: () => this.config(),
      repoRoot: () => this.repoRoot(),
      store: () => this.store(),
      actor: () => this.actor(),
    });
  }

  /** The repository's top level; a clear error outside a repository. */
  async repoRoot(): Promise<string> {
    if (!this.rootCache) {
      if (!(await this.git.isRepo())) throw E.notARepo(this.cwd);
      this.rootCache = await this.git.topLevel();
    }
    return this.rootCache;
  }

  store(): Promise<Store> {
    this.storePromise ??= (async () => {
      const remote = await this.remoteStore();
      if (remote) return remote;
      const commonDir = (await this.git.isRepo()) ? await this.git.commonDir() : null;
      // Outside a repository there is no record to read, and none is made up in the current folder.
      if (!commonDir && !this.dbFlag && !this.env.FIREBREAK_DB && !this.env.FIREBREAK_DATABASE_URL) throw E.noRecordHere(this.cwd);
      const where = locateDb({ db: this.dbFlag, env: this.env, gitCommonDir: commonDir, cwd: this.cwd });
      const { openStore } = await import("../store/open-store.js");
      return openStore({ ...where, clock: this.clock });
    })();
    return this.storePromise;
  }

  loadConfig(): Promise<{ config: Config; file: string | null; warnings: string[] }> {
    this.configPromise ??= (async () => {
      const { loadConfig } = await import("../config/load.js");
      const { registerConfigSecrets } = await import("../config/register-secrets.js");
      const loaded = await loadConfig(await this.repoRoot());
      registerConfigSecrets(loaded.config, this.env);
      return loaded;
    })();
    return this.configPromise;
  }

  async config(): Promise<Config> {
    return (await this.loadConfig()).config;
  }

  /** Who is acting: on a team server, the token's name; else FIREBREAK_ACTOR, git's user.name or the OS user. */
  async actor(): Promise<string> {
    if (!this.actorCache) {
      const who = await this.serverIdentity();
      if (who) {
        this.actorCache = who.name;
        return who.name;
      }
      const fromGit = this.env.FIREBREAK_ACTOR ? null : await this.git.userName().catch(() => null);
      this.actorCache = this.env.FIREBREAK_ACTOR || fromGit || this.env.USER || "unknown";
    }
    return this.actorCache;
  }

  /**
   * The team server's record, when this clone is logged in to one. An explicit database wins:
   * that is an operator working on the server's own database.
   */
  private remoteStore(): Promise<ResilientStore | null> {
    this.remotePromise ??= (async () => {
      if (this.dbFlag || this.env.FIREBREAK_DB || this.env.FIREBREAK_DATABASE_URL) return null;
      const commonDir = (await this.git.isRepo()) ? await this.git.commonDir() : null;
      const server = serverUrlFor(commonDir, this.env);
      if (!server) return null;
      const token = tokenFor(server, this.env);
      if (!token)
        throw new FirebreakError({
          code: "SERVER_UNAUTHENTICATED",
          message: `This clone's record is on the team server ${server}, and no token for it is saved here.`,
          next: `firebreak login ${server}`,
        });
      // The saved token is a secret like an environment one: masked in every output and record.
      registerSecret(token);
      const [{ RemoteStore }, { ResilientStore }, { RecordMirror }, { Outbox }, { OfflineJournal }] = await Promise.all([
        import("../store/remote-store.js"),
        import("../store/resilient-store.js"),
        import("../store/mirror.js"),
        import("../store/outbox.js"),
        import("../store/offline-journal.js"),
      ]);
      // This clone's copy of what it read, and the notes it kept, per server, beside its record.
      const home = join(commonDir ?? dirname(credentialsPath(this.env)), "firebreak");
      const key = serverKey(server);
      return new ResilientStore({
        remote: new RemoteStore({ url: server, token }),
        mirror: new RecordMirror(join(home, "mirror", key)),
        outbox: new Outbox(join(home, "outbox", key)),
        warn: this.warn,
        now: () => this.clock.now(),
        me: () => this.actorCache,
        // The steps taken without the server, and the record they are taken on, beside the copies.
        offline: {
          journal: new OfflineJournal(join(home, "offline", key)),
          open: async () => (await import("../store/offline-record.js")).OfflineRecord.open(join(home, "offline", `${key}.db`), this.clock),
          reason: this.offline?.reason,
          who: () => savedIdentity(this.env, server),
          command: this.offline?.command ?? "",
        },
      });
    })();
    return this.remotePromise;
  }

  /** Who the team server takes this clone's token for, when the record is on a server. */
  async serverIdentity(o: { live?: boolean } = {}): Promise<(WhoAmI & { server: string }) | null> {
    const remote = await this.remoteStore();
    if (!remote) return null;
    // Asked live (whoami), an unanswered server is said, not covered by the name saved at login.
    if (o.live) return { ...(await remote.whoami()), server: remote.url };
    this.whoPromise ??= remote.whoami().then(
      (who) => ({ ...who, server: remote.url }),
      (e: unknown) => {
        // The server does not answer: the name saved at login still says who is writing.
        const unanswered = isFirebreakError(e) && e.code === "SERVER_UNREACHABLE";
        const saved = unanswered ? savedIdentity(this.env, remote.url) : null;
        if (unanswered && !saved && this.offline)
          throw new FirebreakError({
            code: "SERVER_UNREACHABLE",
            message: `The team server at ${remote.url} did not answer, and no login for it is saved here (the token came from FIREBREAK_TOKEN): steps taken offline could not be recorded in anyone's name, so nothing was done.`,
            next: `firebreak login ${remote.url}, once it answers; then --offline works here while it does not`,
          });
        if (!saved) throw e;
        return { ...saved, server: remote.url };
      },
    );
    return this.whoPromise;
  }

  async effectDeps(): Promise<EffectDeps> {
    // On a team server the token's kind is the server's to apply: it refuses an agent's approval
    // and puts the refusal on its audit log, which a refusal here would never reach.
    return { store: await this.store(), clock: this.clock, actor: await this.actor(), ...(this.held ? { fence: this.held.fence } : {}) };
  }

  async close(): Promise<void> {
    if (this.storePromise) await (await this.storePromise).close();
  }
}
