// Checks for values that reach git from tickets, titles, config and flags. Each one refuses with
// UNSAFE_VALUE before git runs, so a hostile value is never parsed as an option, a revision range,
// a command (ext::) or a look-alike of another branch.

import { tmpdir } from "node:os";
import { E } from "../../errors.js";
import { run } from "../process.js";

// Longer names are not a hotfix branch anyone typed; refs also become file names (255-byte limit).
const MAX_REF = 200;
const MAX_REMOTE = 100;

// Control characters, any Unicode whitespace and format characters (bidi overrides, zero-width).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\s]/u;
// Anything outside printable ASCII: a Cyrillic "а" in "mаin" would otherwise pose as main.
const NON_ASCII = /[^\x21-\x7e]/;

/** Refuses a value git could read as an option (it starts with "-"). */
export function assertNotOption(value: string, what: string, next?: string): void {
  if (value.startsWith("-")) throw E.unsafeValue(what, value, 'it starts with "-" and git would read it as an option', next);
}

function printableProblem(value: string, max: number): string | null {
  if (value.length === 0) return "it is empty";
  if (value.startsWith("-")) return 'it starts with "-" and git would read it as an option';
  if (value.length > max) return `it is ${value.length} characters long (at most ${max})`;
  if (INVISIBLE.test(value)) return "it contains whitespace or control characters";
  if (NON_ASCII.test(value)) return "it contains non-ASCII characters, which can disguise one name as another";
  return null;
}

function assertPrintable(value: string, what: string, max: number): void {
  const problem = printableProblem(value, max);
  if (problem) throw E.unsafeValue(what, value, problem);
}

/**
 * The checks that need no git: option-looking, invisible, non-ASCII, too long, and the shapes
 * git would expand (`@{-1}`) or read as a range (`a..b`). Returns the reason, or null when fine.
 */
export function refSyntaxProblem(name: string): string | null {
  const problem = printableProblem(name, MAX_REF);
  if (problem) return problem;
  if (name.includes("..")) return 'it contains "..", which git reads as a range';
  if (name.includes("@{") || name === "@") return 'it contains "@{" or is "@", which git expands to another ref';
  if (/[~^:?*[\\]/.test(name)) return "it contains a character git reserves for revisions (~ ^ : ? * [ \\)";
  return null;
}

/**
 * A branch name that is safe to create and push: passes refSyntaxProblem() and the real
 * `git check-ref-format --branch`. check-ref-format has no `--end-of-options`; the value after
 * `--branch` is read as a value, and a leading "-" is refused before it runs anyway.
 */
export async function assertSafeRef(name: string, what = "branch name", next?: string): Promise<void> {
  assertNotOption(name, what, next);
  const problem = refSyntaxProblem(name);
  if (problem) throw E.unsafeValue(what, name, problem, next);
  if (acceptedRefs.has(name)) return;
  // A neutral cwd: inside a repository `--branch` would expand `@{-N}` from its reflog.
  const r = await run("git", ["check-ref-format", "--branch", name], { cwd: tmpdir(), env: { LC_ALL: "C" } });
  if (r.code !== 0 || r.stdout.trim() !== name) throw E.unsafeValue(what, name, "git check-ref-format rejects it as a branch name", next);
  acceptedRefs.add(name);
}

// git's answer depends on the name alone (the cwd is neutral), so a name it accepted once is not
// asked about again in the same run: a ship checks the same branch and tag names many times.
const acceptedRefs = new Set<string>();

/**
 * A revision to start from or compare with (`origin/main`, a tag, a sha). Checked for shape only;
 * the caller resolves it with `rev-parse --verify`, which fails for anything that is not one commit.
 */
export function assertSafeRev(rev: string, what = "revision"): void {
  assertPrintable(rev, what, MAX_REF);
  if (rev.includes("..")) throw E.unsafeValue(what, rev, 'it contains "..", which git reads as a range');
  if (rev.includes(":")) throw E.unsafeValue(what, rev, 'it contains ":", which git reads as a path inside a commit');
}

/** A configured remote's name: letters, digits, ".", "_", "-", "/"; never a URL or a path. */
export function assertSafeRemoteName(name: string): void {
  assertPrintable(name, "remote name", MAX_REMOTE);
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(name) || name.includes("..") || name.endsWith(".lock") || name.endsWith("/")) {
    throw E.unsafeValue("remote name", name, 'a remote name is letters, digits, ".", "_", "-" and "/"');
  }
}

const ALLOWED_SCHEMES = new Set(["https", "http", "ssh", "git", "file", "git+ssh", "ssh+git"]);

/**
 * A remote URL git may contact. `<transport>::<address>` runs a remote helper (`ext::` runs any
 * command, `fd::` reads file descriptors), and an unknown `scheme://` runs `git-remote-<scheme>`,
 * so only the ordinary transports pass. An ssh host starting with "-" would reach ssh as an option.
 */
export function assertSafeRemoteUrl(url: string): void {
  const shown = redactCredentials(url);
  if (url.length === 0) throw E.unsafeValue("remote URL", url, "it is empty");
  if (url.startsWith("-")) throw E.unsafeValue("remote URL", shown, 'it starts with "-" and git would read it as an option');
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url)) {
    throw E.unsafeValue("remote URL", shown, "the <transport>::<address> form runs a remote helper program (ext:: runs any command)");
  }
  if (/[\p{Cc}\s]/u.test(url)) throw E.unsafeValue("remote URL", shown, "it contains whitespace or control characters");
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (!ALLOWED_SCHEMES.has(scheme)) {
      throw E.unsafeValue("remote URL", shown, `the "${scheme}" transport is not one of ${[...ALLOWED_SCHEMES].join(", ")}`);
    }
    const host = url.slice(scheme.length + 3).replace(/^[^/@]*@/, "");
    if (host.startsWith("-")) throw E.unsafeValue("remote URL", shown, 'its host starts with "-" and ssh would read it as an option');
  } else {
    // scp-like user@host:path — the part before ":" reaches ssh.
    const scp = /^([^/:]+):/.exec(url)?.[1];
    if (scp !== undefined && scp.replace(/^[^@]*@/, "").startsWith("-")) {
      throw E.unsafeValue("remote URL", shown, 'its host starts with "-" and ssh would read it as an option');
    }
  }
}

/** Replaces URL userinfo (`https://user:token@host`) with `****`, anywhere in a text. */
export function redactCredentials(text: string): string {
  return text.replace(/\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/\s@'"]+@/g, "$1****@");
}
