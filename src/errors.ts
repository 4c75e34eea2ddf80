// The catalogue of expected errors. Each one says what happened, why, and the next command to
// run. The CLI prints these without a stack (stacks only with --debug) and exits with the code
// listed here; the README documents the same table.

import { redact } from "./redact.js";

export const EXIT = {
  ok: 0,
  unexpected: 1, // a bug or an unknown failure: run again with --debug and report it
  usage: 2, // bad flags or missing input
  notEmergency: 3, // triage: production is not broken and there is no deadline
  refused: 4, // a precondition failed: dirty tree, unknown base, ticket in progress…
  blocked: 5, // a gate, guard or check did not pass
  conflict: 6, // a merge or backport conflict needs a person
  config: 7, // .firebreak.yml is invalid
  integrity: 8, // the record failed verification (tampered timeline)
  external: 9, // git, a forge or another outside system failed
  hungUp: 129, // stopped by SIGHUP (the terminal went away): what was interrupted is recorded
  interrupted: 130, // stopped by SIGINT (Ctrl-C): what was interrupted is recorded
  terminated: 143, // stopped by SIGTERM: what was interrupted is recorded
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface ErrorInfo {
  code: string; // stable, upper snake case: DIRTY_TREE
  message: string; // what happened, one line
  why?: string; // why it matters or why it happened
  next?: string; // the next command to run
  exit: ExitCode;
  details?: string[]; // items: files, problems, fields
}

export class FirebreakError extends Error {
  readonly code: string;
  readonly why: string | undefined;
  readonly next: string | undefined;
  readonly exit: ExitCode;
  readonly details: string[];
  constructor(info: ErrorInfo, options?: { cause?: unknown }) {
    // An error's text may quote an outside answer; it is masked here as well as where it is shown.
    super(redact(info.message), options);
    this.name = "FirebreakError";
    this.code = info.code;
    this.why = info.why === undefined ? undefined : redact(info.why);
    this.next = info.next === undefined ? undefined : redact(info.next);
    this.exit = info.exit;
    this.details = (info.details ?? []).map(redact);
  }
  toJSON(): Omit<ErrorInfo, "exit"> & { exit: number } {
    return { code: this.code, message: this.message, why: this.why, next: this.next, exit: this.exit, details: this.details };
  }
}

export const isFirebreakError = (e: unknown): e is FirebreakError => e instanceof FirebreakError;

/** Builders for every expected error, so messages stay consistent and greppable. */
export const E = {
  usage: (message: string, next?: string, details?: string[]) =>
    new FirebreakError({ code: "USAGE", message, next, exit: EXIT.usage, details }),
  missingInput: (flag: string, what: string) =>
    new FirebreakError({
      code: "MISSING_INPUT",
      message: `${what} is required and stdin is not a terminal, so nobody can be asked.`,
      next: `pass ${flag}`,
      exit: EXIT.usage,
    }),
  notARepo: (dir: string) =>
    new FirebreakError({
      code: "NOT_A_REPO",
      message: `${dir} is not inside a git repository.`,
      next: "cd into your project's checkout, or run: git init",
      exit: EXIT.refused,
    }),
  noRecordHere: (dir: string) =>
    new FirebreakError({
      code: "NOT_A_REPO",
      message: `${dir} is not inside a git repository, so there is no incident record here; nothing was read or written.`,
      why: "Firebreak keeps the record in the repository's .git/firebreak/, shared by its worktrees.",
      next: "cd into your project's checkout and run the same command again   # or name a record: --db PATH",
      exit: EXIT.refused,
    }),
  dirtyTree: (files: string[]) =>
    new FirebreakError({
      code: "DIRTY_TREE",
      message: "The work tree has uncommitted changes; a hotfix branch must start clean.",
      why: "Carrying unrelated edits into a hotfix makes the fix larger than it is.",
      next: "commit what belongs on the production branch (a new .firebreak.yml, say), then: git stash push --include-untracked   # and run the same firebreak command again",
      exit: EXIT.refused,
      details: files.slice(0, 20),
    }),
  unknownBase: (remote: string, branch: string) =>
    new FirebreakError({
      code: "UNKNOWN_BASE",
      message: `The production branch ${remote}/${branch} does not exist after fetching.`,
      why: "A hotfix must start from what is in production.",
      next: `git ls-remote --heads ${remote}   # then set production.branch in .firebreak.yml, or pass --base`,
      exit: EXIT.refused,
    }),
  badTicket: (ticket: string, pattern: string) =>
    new FirebreakError({
      code: "BAD_TICKET",
      message: `"${ticket}" is not a ticket id: it must match ${pattern}.`,
      next: "firebreak start ENG-1234 \"<title>\" --priority P1   # or set ticket.pattern in .firebreak.yml",
      exit: EXIT.usage,
    }),
  ticketInProgress: (ticket: string, branch: string, startedAt: string) =>
    new FirebreakError({
      code: "TICKET_IN_PROGRESS",
      message: `${ticket} is already in progress on ${branch} (started ${startedAt}).`,
      next: `firebreak status ${ticket}`,
      exit: EXIT.refused,
    }),
  noIncident: (hint: string) =>
    new FirebreakError({
      code: "NO_INCIDENT",
      message: `No incident found ${hint}.`,
      next: "firebreak list   # or start one: firebreak start ENG-1234 \"<title>\" --priority P1",
      exit: EXIT.refused,
    }),
  unsafeValue: (what: string, value: string, why: string) =>
    new FirebreakError({
      code: "UNSAFE_VALUE",
      message: `Refused ${what} ${JSON.stringify(value.length > 80 ? value.slice(0, 80) + "…" : value)}: ${why}.`,
      why: "Values from tickets, titles and branch names are never passed where git could read them as options or commands.",
      exit: EXIT.usage,
    }),
  git: (message: string, next?: string, details?: string[]) =>
    new FirebreakError({ code: "GIT_FAILED", message, next, exit: EXIT.external, details }),
  config: (file: string, problems: string[]) =>
    new FirebreakError({
      code: "CONFIG_INVALID",
      message: `${file} has ${problems.length} problem${problems.length === 1 ? "" : "s"}.`,
      next: `fix ${file}, then run: firebreak config check`,
      exit: EXIT.config,
      details: problems,
    }),
  tampered: (problem: string) =>
    new FirebreakError({
      code: "TIMELINE_TAMPERED",
      message: `The timeline failed verification: ${problem}.`,
      why: "Each event carries the hash of the one before it; an edited, deleted or reordered row breaks the chain.",
      next: "restore the database from a backup, or keep it as evidence",
      exit: EXIT.integrity,
    }),
  possiblyDone: (key: string, next: string) =>
    new FirebreakError({
      code: "EFFECT_POSSIBLY_DONE",
      message: `"${key}" was started by an earlier run that stopped before it recorded the result, and the outcome cannot be checked.`,
      why: "Doing it again could do it twice.",
      next,
      exit: EXIT.refused,
    }),
} as const;
