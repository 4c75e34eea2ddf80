// Git, in one checkout. The one adapter (adapters/git/git.ts) runs the git program with every
// value checked first and placed after --end-of-options, and with protocol limits that keep a URL
// from running a program. Every git call in Firebreak goes through it; the one exception is the
// read-only fast path of `firebreak status` (cli/fast-status.ts). Failures are FirebreakErrors
// with a next step.

export interface GitRunOptions {
  input?: string;
  /** Extra variables over the safe defaults, e.g. a private GIT_INDEX_FILE or GIT_AUTHOR_*. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** The remote involved, so a mapped error names it and suggests the right next command. */
  remote?: string;
}

export interface GitResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Git {
  /** The checkout every call runs in. */
  readonly cwd: string;
  /** The same git in another checkout of this repository (a temporary worktree). */
  at(cwd: string): Git;
  /** Runs git with the protocol limits and returns whatever happened. Never throws for a git failure. */
  raw(args: readonly string[], opts?: GitRunOptions): Promise<GitResult>;
  /** Runs git and returns stdout; a failure throws the mapped FirebreakError. */
  git(args: readonly string[], opts?: GitRunOptions): Promise<string>;

  isRepo(): Promise<boolean>;
  topLevel(): Promise<string>;
  /** The shared .git folder, absolute, the same for every worktree of the clone. */
  commonDir(): Promise<string>;
  /** Paths with uncommitted changes, untracked files included (ignored files are not). */
  statusPorcelain(): Promise<string[]>;
  /** The checked-out branch, or null on a detached HEAD. */
  currentBranch(): Promise<string | null>;
  headSha(): Promise<string>;
  /** git's user.name, or null when unset. */
  userName(): Promise<string | null>;

  remotes(): Promise<string[]>;
  /** The fetch URL of a remote as configured (may hold credentials: redact before showing). */
  remoteUrl(remote: string): Promise<string>;
  /** The branch a remote's HEAD points at, or null. */
  remoteDefaultBranch(remote: string): Promise<string | null>;
  /** Fetches a remote: its configured refspecs, or only the given branches. */
  fetch(remote: string, branches?: readonly string[], opts?: { tags?: boolean }): Promise<void>;
  /** The commit a branch has on the remote right now, or null. */
  remoteBranchSha(remote: string, branch: string): Promise<string | null>;
  /** The branch names the remote has now, for suggestions. */
  remoteBranches(remote: string): Promise<string[]>;
  /** The commit a tag points at on the remote, or null. */
  remoteTagSha(remote: string, tag: string): Promise<string | null>;

  /** True when the name resolves to an object here. */
  refExists(ref: string): Promise<boolean>;
  /** The commit a revision names; UNKNOWN_REVISION when it names none. */
  revParse(rev: string): Promise<string>;
  /** True when `ancestor` is reachable from `descendant`. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;

  /** Creates a branch at a commit without switching to it and without upstream tracking. */
  createBranch(name: string, startPoint: string): Promise<void>;
  switchTo(name: string): Promise<void>;
  /** Creates a branch at `startPoint` and switches to it. */
  switchCreate(name: string, startPoint: string): Promise<void>;
  /** Pushes one branch with an explicit refspec; never forces. */
  pushBranch(remote: string, branch: string): Promise<void>;
  /** Makes remote/branch the branch's upstream; false when the remote-tracking ref is missing. */
  setUpstream(remote: string, branch: string): Promise<boolean>;
  /** Creates an annotated tag at a commit; the message goes through stdin, never argv. */
  createTag(name: string, target: string, message: string): Promise<void>;
  pushTag(remote: string, tag: string): Promise<void>;
  /** Tag names, highest version first. */
  tags(): Promise<string[]>;
}
