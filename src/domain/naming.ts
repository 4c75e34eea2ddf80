// Names that end up in git refs and on the command line. Everything here is built so a ticket or
// title typed by anyone can never become an option, a command or an invalid ref.

import { E } from "../errors.js";

export const DEFAULT_TICKET_PATTERN = "^[A-Z][A-Z0-9]{0,9}-[0-9]{1,9}$";
export const MAX_TICKET_LENGTH = 64;

// Letters NFKD leaves alone because they are not base letter + mark.
const FOLD: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  đ: "d",
  ð: "d",
  þ: "th",
  ł: "l",
  ı: "i",
  ħ: "h",
  ŧ: "t",
};

/** A branch-safe slug: lower-case ASCII letters, digits and single dashes; never empty. */
export function slugify(title: string, maxLength = 40): string {
  const max = Math.max(1, Math.floor(maxLength));
  const slug = title
    .normalize("NFKD")
    .toLowerCase()
    .replace(/\p{M}/gu, "")
    .replace(/[ßæœøđðþłıħŧ]/g, (c) => FOLD[c] ?? "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= max) return slug === "" ? "fix" : slug;
  let cut = slug.slice(0, max);
  // Cut between words when the next character starts a new one or an earlier dash exists.
  if (slug[max] !== "-") {
    const dash = cut.lastIndexOf("-");
    if (dash > 0) cut = cut.slice(0, dash);
  }
  cut = cut.replace(/-+$/, "");
  return cut === "" ? "fix" : cut;
}

const shown = (s: string): string => {
  const short = s.length > 60 ? s.slice(0, 60) + "…" : s;
  // JSON escaping turns control characters and newlines into visible \n, \u001b…
  return JSON.stringify(short).slice(1, -1);
};

/**
 * Why this string cannot be one component of a git ref name (git check-ref-format rules, stricter
 * on purpose: no slash, no "@", no option-looking start), or undefined when it can.
 */
export function refComponentProblem(s: string): string | undefined {
  if (s === "") return "it is empty";
  if (s.startsWith("-")) return 'it starts with "-", so a program could read it as an option';
  if (/[\u0000-\u0020\u007f]/.test(s)) return "it contains whitespace or control characters";
  if (/[~^:?*[\\\]/@{}'"`$;&|<>()!#%]/.test(s)) return "it contains characters that are not allowed in a branch name";
  if (s.includes("..")) return 'it contains ".."';
  if (s.startsWith(".") || s.endsWith(".")) return 'it starts or ends with "."';
  if (s.toLowerCase().endsWith(".lock")) return 'it ends with ".lock"';
  if (/[^\u0021-\u007e]/.test(s)) return "it contains non-ASCII characters";
  return undefined;
}

function patternRegExp(pattern: string): RegExp {
  try {
    // Whole-string match even when a team's pattern forgets its anchors.
    return new RegExp(`^(?:${pattern})$`, "u");
  } catch (e) {
    throw E.config(".firebreak.yml", [
      `ticket.pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(e as Error).message}`,
    ]);
  }
}

/** Throws BAD_TICKET unless the ticket matches the pattern and is safe in refs and argv. */
export function validateTicket(ticket: string, pattern: string = DEFAULT_TICKET_PATTERN): string {
  if (ticket.length > MAX_TICKET_LENGTH || refComponentProblem(ticket) !== undefined) {
    throw E.badTicket(shown(ticket), pattern);
  }
  if (!patternRegExp(pattern).test(ticket)) throw E.badTicket(shown(ticket), pattern);
  return ticket;
}

// The builders below may be called with a ticket that was validated against a team pattern;
// they re-check only what keeps the ref valid and harmless.
function assertSafeTicket(ticket: string): void {
  const problem = ticket.length > MAX_TICKET_LENGTH ? "it is too long" : refComponentProblem(ticket);
  if (problem !== undefined) throw E.unsafeValue("ticket", ticket, problem);
}

/** hotfix/ENG-1234-fix-auth-bypass-on-expired-tokens */
export function hotfixBranch(ticket: string, title: string, maxSlugLength = 40): string {
  assertSafeTicket(ticket);
  return `hotfix/${ticket}-${slugify(title, maxSlugLength)}`;
}

/**
 * hotfix/SEC-12-3f9a0c1e: a private incident's branch. Its name reaches everyone who can read the
 * repository, so it carries the ticket (guards and backports read it from there) and a random tag
 * instead of the title: two incidents of one ticket still get two branches.
 */
export function privateHotfixBranch(ticket: string, tag: string): string {
  assertSafeTicket(ticket);
  if (!/^[0-9a-f]{8,}$/.test(tag)) throw E.unsafeValue("branch tag", tag, "it is not at least 8 lower-case hex digits");
  return `hotfix/${ticket}-${tag}`;
}

/** backport/rc/hotfix-ENG-1234, where `short` names the target branch (rc, develop, release/2.3). */
export function backportBranch(short: string, ticket: string): string {
  const problem =
    short.length > MAX_TICKET_LENGTH
      ? "it is too long"
      : short
          .split("/")
          .map(refComponentProblem)
          .find((p) => p !== undefined);
  if (problem !== undefined) throw E.unsafeValue("backport target name", short, problem);
  assertSafeTicket(ticket);
  return `backport/${short}/hotfix-${ticket}`;
}
