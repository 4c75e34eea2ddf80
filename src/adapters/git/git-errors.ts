// Turns a failed git run into an error a person can act on. Git runs with LC_ALL=C, so these
// English messages are stable; anything not recognised becomes GIT_FAILED with git's own words.
// Every text taken from git is redacted first: URLs in its messages may carry tokens.

import { E, FirebreakError, type ErrorCode } from "../../errors.js";
import { redactCredentials } from "./safety.js";

export interface GitFailure {
  args: readonly string[]; // the git arguments, without the -c prefix
  cwd: string;
  code: number | null;
  stderr: string;
  /** The remote involved, for the next command to suggest. */
  remote?: string;
}

export const GIT_CODES = {
  auth: "GIT_AUTH",
  network: "GIT_NETWORK",
  pushRejected: "PUSH_REJECTED",
  branchExists: "BRANCH_EXISTS",
  tagExists: "TAG_EXISTS",
  unknownRemoteBranch: "UNKNOWN_REMOTE_BRANCH",
  unknownRemote: "UNKNOWN_REMOTE",
  unknownRevision: "UNKNOWN_REVISION",
  remoteRepoMissing: "REMOTE_REPO_MISSING",
  unsafeTransport: "UNSAFE_TRANSPORT",
  failed: "GIT_FAILED",
} as const satisfies Record<string, ErrorCode>;
type GitCode = (typeof GIT_CODES)[keyof typeof GIT_CODES];

const firstLines = (text: string, n = 4): string[] =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("hint:"))
    .slice(0, n);

const command = (args: readonly string[]) => `git ${args.map((a) => (/^[\w./:=@+-]+$/.test(a) ? a : JSON.stringify(a))).join(" ")}`;

export const unknownRemote = (remote: string, details: string[] = []): FirebreakError =>
  new FirebreakError({
    code: GIT_CODES.unknownRemote,
    message: `There is no remote named ${remote}.`,
    details,
  });

export function mapGitError(f: GitFailure): FirebreakError {
  const stderr = redactCredentials(f.stderr);
  const details = firstLines(stderr);
  const remote = f.remote ?? "origin";
  const has = (re: RegExp) => re.test(stderr);
  // The exit, and a why the code always gives, are the catalogue's (errors/catalogue.ts).
  const err = (code: GitCode, message: string, next: string) => new FirebreakError({ code, message, next, details });

  if (has(/not a git repository/i)) return E.notARepo(f.cwd);
  if (has(/transport '[^']*' not allowed/)) {
    return err(
      GIT_CODES.unsafeTransport,
      `The URL of remote ${remote} uses a transport Firebreak never runs.`,
      `git remote -v   # then: git remote set-url ${remote} https://…`,
    );
  }
  if (
    has(
      /could not read (Username|Password)|Authentication failed|Permission denied \(publickey|terminal prompts disabled|HTTP Basic: Access denied|403 Forbidden|returned error: 40[13]/i,
    )
  ) {
    return err(
      GIT_CODES.auth,
      `git could not sign in to ${remote}.`,
      `git ls-remote ${remote}   # fix the credential helper, token or ssh key until this works, then run firebreak again`,
    );
  }
  if (
    has(
      /Could not resolve host|unable to access|Connection refused|Connection timed out|Network is unreachable|Couldn't connect to server|Operation timed out/i,
    )
  ) {
    return err(
      GIT_CODES.network,
      `git could not reach ${remote}.`,
      `git ls-remote ${remote}   # check the network, VPN or proxy, then run firebreak again`,
    );
  }
  if (has(/! \[(rejected|remote rejected)\]|non-fast-forward|fetch first|failed to push some refs/)) {
    return err(
      GIT_CODES.pushRejected,
      `${remote} rejected the push: the branch there has commits this checkout does not.`,
      `git fetch ${remote} && firebreak status`,
    );
  }
  const exists = /(?:a branch named|branch|tag) '([^']+)' already exists/.exec(stderr);
  if (exists) {
    const kind = /tag '/.test(exists[0]) ? "tag" : "branch";
    return err(
      kind === "tag" ? GIT_CODES.tagExists : GIT_CODES.branchExists,
      `The ${kind} ${exists[1]} already exists.`,
      `git log --oneline -5 ${exists[1]}   # then: firebreak status`,
    );
  }
  const missingRef = /couldn't find remote ref (\S+)/.exec(stderr);
  if (missingRef) {
    return err(
      GIT_CODES.unknownRemoteBranch,
      `${remote} has no branch ${missingRef[1]?.replace(/^refs\/heads\//, "")}.`,
      `git ls-remote --heads ${remote}`,
    );
  }
  if (has(/No such remote/)) return unknownRemote(remote, details);
  if (has(/does not appear to be a git repository|repository '[^']*' not found|Repository not found/i)) {
    return err(
      GIT_CODES.remoteRepoMissing,
      `The repository behind remote ${remote} does not exist or is not visible to you.`,
      `git remote get-url ${remote}   # check the URL, then: git ls-remote ${remote}`,
    );
  }
  if (has(/unknown revision|bad revision|Needed a single revision|invalid reference|not a valid object name|not a commit/i)) {
    return err(
      GIT_CODES.unknownRevision,
      "git does not know that revision.",
      `git fetch ${remote}   # then check the name with: git log --oneline -1 <revision>`,
    );
  }
  const message = `${command(f.args)} failed${f.code === null ? "" : ` (exit ${f.code})`}${details[0] ? `: ${details[0]}` : "."}`;
  return E.git(redactCredentials(message), undefined, details);
}
