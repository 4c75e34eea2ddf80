// Git, run as a program with an argument array in one checkout. Every value that came from a
// person or a config file is checked in safety.ts first and placed after `--end-of-options`
// (git 2.39 honours it for every command used here except check-ref-format, see safety.ts).
// Failures become FirebreakErrors with a next step in git-errors.ts.

import { E } from "../../errors.js";
import { run } from "../process.js";
import { mapGitError, unknownRemote } from "./git-errors.js";
import { assertSafeRef, assertSafeRemoteName, assertSafeRemoteUrl, assertSafeRev } from "./safety.js";
import type { Git as GitPort, GitResult, GitRunOptions } from "../../ports/git.js";

const ALLOWED_PROTOCOLS = ["file", "https", "http", "ssh", "git"] as const;

// `ext::` and `fd::` run programs or read descriptors named in a URL; only plain transports run,
// even if a URL slipped past assertSafeRemoteUrl (an insteadOf rewrite, a submodule).
const PROTOCOL_LIMITS = ["-c", "protocol.allow=never", ...ALLOWED_PROTOCOLS.flatMap((p) => ["-c", `protocol.${p}.allow=always`])];

const GIT_ENV: NodeJS.ProcessEnv = {
  GIT_TERMINAL_PROMPT: "0", // a prompt would hang a non-interactive run; auth errors are mapped instead
  GIT_PROTOCOL_FROM_USER: "0",
  // Overrides protocol.allow when set, so set it to the same list rather than inherit a looser one.
  GIT_ALLOW_PROTOCOL: ALLOWED_PROTOCOLS.join(":"),
  GCM_INTERACTIVE: "never",
  LC_ALL: "C", // git-errors.ts matches English messages
  // The Git object is bound to its cwd; an inherited GIT_DIR (inside a hook, say) would point it
  // at another repository.
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_INDEX_FILE: undefined,
  GIT_COMMON_DIR: undefined,
  GIT_OBJECT_DIRECTORY: undefined,
  GIT_NAMESPACE: undefined,
};

const NETWORK_TIMEOUT_MS = 120_000;

export type { GitResult, GitRunOptions };

export class Git implements GitPort {
  constructor(readonly cwd: string) {}

  /** The same git in another checkout of this repository (a temporary worktree). */
  at(cwd: string): Git {
    return new Git(cwd);
  }

  /** Runs git with the protocol limits and returns whatever happened. Never throws for a git failure. */
  async raw(args: readonly string[], opts: GitRunOptions = {}): Promise<GitResult> {
    try {
      const r = await run("git", [...PROTOCOL_LIMITS, ...args], {
        cwd: this.cwd,
        env: opts.env ? { ...GIT_ENV, ...opts.env } : GIT_ENV,
        input: opts.input,
        timeoutMs: opts.timeoutMs,
      });
      const stderr = r.timedOut ? `${r.stderr}\nfatal: Operation timed out after ${opts.timeoutMs} ms` : r.stderr;
      return { code: r.code, stdout: r.stdout, stderr };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "ENOENT") {
        // spawn reports a missing cwd the same way as a missing program.
        throw E.git(`git could not be started in ${this.cwd}: ${err.message}`, "git --version   # install git, or check the folder exists");
      }
      throw e;
    }
  }

  /** Runs git and returns stdout; a failure throws the mapped FirebreakError. */
  async git(args: readonly string[], opts: GitRunOptions = {}): Promise<string> {
    const r = await this.raw(args, opts);
    if (r.code !== 0) throw mapGitError({ args, cwd: this.cwd, code: r.code, stderr: r.stderr, remote: opts.remote });
    return r.stdout;
  }

  private async line(args: readonly string[], opts?: GitRunOptions): Promise<string> {
    return (await this.git(args, opts)).trim();
  }

  // Where this checkout is cannot change while a command runs, yet the app, the store and the
  // workflows each ask: the answers are kept per Git (successes only), saving a command 2–5 spawns.
  private readonly where = new Map<string, Promise<string>>();
  private once(key: string, ask: () => Promise<string>): Promise<string> {
    let p = this.where.get(key);
    if (!p) {
      p = ask();
      this.where.set(key, p);
      p.catch(() => this.where.delete(key));
    }
    return p;
  }

  private inside = false;
  async isRepo(): Promise<boolean> {
    if (this.inside) return true;
    const r = await this.raw(["rev-parse", "--is-inside-work-tree"]);
    this.inside = r.code === 0 && r.stdout.trim() === "true";
    return this.inside;
  }

  topLevel(): Promise<string> {
    return this.once("top", () => this.line(["rev-parse", "--show-toplevel"]));
  }

  /** The shared .git folder, absolute, the same for every worktree of the clone. */
  commonDir(): Promise<string> {
    return this.once("common", () => this.line(["rev-parse", "--path-format=absolute", "--git-common-dir"]));
  }

  /** Paths with uncommitted changes, untracked files included (ignored files are not). */
  async statusPorcelain(): Promise<string[]> {
    const out = await this.git(["status", "--porcelain=v1", "-z", "--untracked-files=all"]);
    const fields = out.split("\0");
    const files: string[] = [];
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (!f || f.length < 4) continue;
      files.push(f.slice(3));
      // A rename or copy is followed by its source path in the next field.
      if (f[0] === "R" || f[0] === "C") i++;
    }
    return files;
  }

  /** The checked-out branch, or null on a detached HEAD. */
  async currentBranch(): Promise<string | null> {
    const r = await this.raw(["symbolic-ref", "-q", "--short", "HEAD"]);
    if (r.code === 0) return r.stdout.trim() || null;
    if (r.code === 1) return null;
    throw mapGitError({ args: ["symbolic-ref", "HEAD"], cwd: this.cwd, code: r.code, stderr: r.stderr });
  }

  async headSha(): Promise<string> {
    return this.line(["rev-parse", "--verify", "HEAD^{commit}"]);
  }

  /** git's user.name, or null when unset. */
  async userName(): Promise<string | null> {
    const r = await this.raw(["config", "--get", "user.name"]);
    if (r.code === 0) return r.stdout.trim() || null;
    if (r.code === 1) return null;
    throw mapGitError({ args: ["config", "user.name"], cwd: this.cwd, code: r.code, stderr: r.stderr });
  }

  async remotes(): Promise<string[]> {
    return (await this.git(["remote"])).split("\n").filter((l) => l.length > 0);
  }

  /** The fetch URL of a remote as configured (may hold credentials: redact before showing). */
  async remoteUrl(remote: string): Promise<string> {
    assertSafeRemoteName(remote);
    return this.line(["remote", "get-url", "--end-of-options", remote], { remote });
  }

  /**
   * A remote git may contact: a safe name, configured here, whose fetch and push URLs (after
   * insteadOf rewrites) are ordinary transports. Refusing a name that is not configured keeps a
   * URL or a path from being passed where a remote name is expected.
   */
  private async checkRemote(remote: string): Promise<void> {
    assertSafeRemoteName(remote);
    // Firebreak never changes a remote's configuration, so one check per remote and run is
    // enough (a ship contacts origin a dozen times; each check is three git processes).
    if (this.checkedRemotes.has(remote)) return;
    if (!(await this.remotes()).includes(remote)) throw unknownRemote(remote);
    for (const kind of [[], ["--push"]]) {
      const urls = await this.git(["remote", "get-url", "--all", ...kind, "--end-of-options", remote], { remote });
      for (const url of urls.split("\n").filter((l) => l.length > 0)) assertSafeRemoteUrl(url);
    }
    this.checkedRemotes.add(remote);
  }
  private readonly checkedRemotes = new Set<string>();

  /** The branch a remote's HEAD points at: local refs/remotes/<r>/HEAD, else asked over the network, else null. */
  async remoteDefaultBranch(remote: string): Promise<string | null> {
    await this.checkRemote(remote);
    const prefix = `refs/remotes/${remote}/`;
    const local = await this.raw(["symbolic-ref", "-q", "--end-of-options", `${prefix}HEAD`]);
    const target = local.stdout.trim();
    if (local.code === 0 && target.startsWith(prefix)) return target.slice(prefix.length);
    const out = await this.git(["ls-remote", "--symref", "--end-of-options", remote, "HEAD"], { remote, timeoutMs: NETWORK_TIMEOUT_MS });
    const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out);
    return m?.[1] ?? null;
  }

  /**
   * Fetches a remote: its configured refspecs, or only the given branches into
   * refs/remotes/<remote>/<branch>. Tags: git's default (those pointing into what was fetched),
   * all of them with `tags: true`, none with `tags: false`.
   */
  async fetch(remote: string, branches?: readonly string[], opts: { tags?: boolean } = {}): Promise<void> {
    await this.checkRemote(remote);
    for (const b of branches ?? []) await assertSafeRef(b);
    const refspecs = (branches ?? []).map((b) => `+refs/heads/${b}:refs/remotes/${remote}/${b}`);
    const tags = opts.tags === undefined ? [] : opts.tags ? ["--tags"] : ["--no-tags"];
    await this.git(["fetch", "--quiet", ...tags, "--end-of-options", remote, ...refspecs], { remote, timeoutMs: NETWORK_TIMEOUT_MS });
  }

  /** True when the name resolves to an object here (a branch, tag, remote-tracking ref or sha). */
  async refExists(ref: string): Promise<boolean> {
    assertSafeRev(ref, "ref");
    const r = await this.raw(["rev-parse", "--verify", "--quiet", "--end-of-options", ref]);
    return r.code === 0;
  }

  /** The commit a revision names; UNKNOWN_REVISION when it names none. */
  async revParse(rev: string): Promise<string> {
    assertSafeRev(rev);
    return this.line(["rev-parse", "--verify", "--end-of-options", `${rev}^{commit}`]);
  }

  /** True when `ancestor` is reachable from `descendant` (a fix already shipped, say). */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const [a, d] = [await this.revParse(ancestor), await this.revParse(descendant)];
    const r = await this.raw(["merge-base", "--is-ancestor", "--end-of-options", a, d]);
    if (r.code === 0 || r.code === 1) return r.code === 0;
    throw mapGitError({ args: ["merge-base", "--is-ancestor", a, d], cwd: this.cwd, code: r.code, stderr: r.stderr });
  }

  private async lsRemoteOne(remote: string, ref: string): Promise<string | null> {
    await this.checkRemote(remote);
    const out = await this.git(["ls-remote", "--end-of-options", remote, ref, `${ref}^{}`], { remote, timeoutMs: NETWORK_TIMEOUT_MS });
    const shas = new Map<string, string>();
    for (const line of out.split("\n")) {
      const [sha, name] = line.split("\t");
      if (sha && name) shas.set(name, sha);
    }
    // An annotated tag is listed twice; the peeled line is the commit it points at.
    return shas.get(`${ref}^{}`) ?? shas.get(ref) ?? null;
  }

  /** The commit a branch has on the remote right now, or null when the remote has no such branch. */
  async remoteBranchSha(remote: string, branch: string): Promise<string | null> {
    await assertSafeRef(branch);
    return this.lsRemoteOne(remote, `refs/heads/${branch}`);
  }

  /** The branch names the remote has now (ls-remote --heads), for suggestions. */
  async remoteBranches(remote: string): Promise<string[]> {
    await this.checkRemote(remote);
    const out = await this.git(["ls-remote", "--heads", "--end-of-options", remote], { remote, timeoutMs: NETWORK_TIMEOUT_MS });
    return out
      .split("\n")
      .map((l) => l.split("\t")[1] ?? "")
      .filter((n) => n.startsWith("refs/heads/"))
      .map((n) => n.slice("refs/heads/".length));
  }

  /** The commit a tag points at on the remote, or null when the remote has no such tag. */
  async remoteTagSha(remote: string, tag: string): Promise<string | null> {
    await assertSafeRef(tag, "tag name");
    return this.lsRemoteOne(remote, `refs/tags/${tag}`);
  }

  /** Creates a branch at a commit without switching to it and without upstream tracking. */
  async createBranch(name: string, startPoint: string): Promise<void> {
    await assertSafeRef(name);
    const sha = await this.revParse(startPoint);
    await this.git(["branch", "--no-track", "--end-of-options", name, sha]);
  }

  async switchTo(name: string): Promise<void> {
    await assertSafeRef(name);
    // --no-guess: never create a tracking branch behind the caller's back.
    await this.git(["switch", "--quiet", "--no-guess", "--end-of-options", name]);
  }

  /**
   * Creates a branch at `startPoint` and switches to it. The start point is resolved to a sha
   * first, so git sees no name it could read two ways; `--create=<name>` keeps the name a value.
   */
  async switchCreate(name: string, startPoint: string): Promise<void> {
    await assertSafeRef(name);
    const sha = await this.revParse(startPoint);
    await this.git(["switch", "--quiet", "--no-track", `--create=${name}`, "--end-of-options", sha]);
  }

  /** Pushes one branch with an explicit refspec; never forces. */
  async pushBranch(remote: string, branch: string): Promise<void> {
    await assertSafeRef(branch);
    await this.checkRemote(remote);
    const ref = `refs/heads/${branch}`;
    await this.git(["push", "--quiet", "--end-of-options", remote, `${ref}:${ref}`], { remote, timeoutMs: NETWORK_TIMEOUT_MS });
  }

  /**
   * Makes `remote`/`branch` the branch's upstream, so a teammate's plain `git pull` and `git push`
   * on it work; false when the remote-tracking ref is missing (a remote without a fetch refspec).
   */
  async setUpstream(remote: string, branch: string): Promise<boolean> {
    await assertSafeRef(branch);
    await this.checkRemote(remote);
    try {
      await this.git(["branch", "--quiet", `--set-upstream-to=refs/remotes/${remote}/${branch}`, "--end-of-options", branch]);
      return true;
    } catch {
      return false;
    }
  }

  /** Creates an annotated tag at a commit; the message goes through stdin, never argv. */
  async createTag(name: string, target: string, message: string): Promise<void> {
    await assertSafeRef(name, "tag name");
    const sha = await this.revParse(target);
    await this.git(["tag", "--annotate", "--file=-", "--end-of-options", name, sha], { input: message });
  }

  async pushTag(remote: string, tag: string): Promise<void> {
    await assertSafeRef(tag, "tag name");
    await this.checkRemote(remote);
    const ref = `refs/tags/${tag}`;
    await this.git(["push", "--quiet", "--end-of-options", remote, `${ref}:${ref}`], { remote, timeoutMs: NETWORK_TIMEOUT_MS });
  }

  /** Tag names, highest version first. */
  async tags(): Promise<string[]> {
    return (await this.git(["tag", "--list", "--sort=-v:refname"])).split("\n").filter((l) => l.length > 0);
  }
}
