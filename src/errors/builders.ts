// Builders for errors raised in many places, so their messages stay consistent and greppable.
// The exit, and the why and next the catalogue shows, come from catalogue.ts.

import { FirebreakError } from "./firebreak-error.js";

export const E = {
  usage: (message: string, next?: string, details?: string[]) => new FirebreakError({ code: "USAGE", message, next, details }),
  missingInput: (flag: string, what: string) =>
    new FirebreakError({
      code: "MISSING_INPUT",
      message: `${what} is required and stdin is not a terminal, so nobody can be asked.`,
      next: `pass ${flag}`,
    }),
  notARepo: (dir: string) => new FirebreakError({ code: "NOT_A_REPO", message: `${dir} is not inside a git repository.` }),
  noRecordHere: (dir: string) =>
    new FirebreakError({
      code: "NOT_A_REPO",
      message: `${dir} is not inside a git repository, so there is no incident record here; nothing was read or written.`,
      why: "Firebreak keeps the record in the repository's .git/firebreak/, shared by its worktrees.",
      next: "cd into your project's checkout and run the same command again   # or name a record: --db PATH",
    }),
  dirtyTree: (files: string[]) =>
    new FirebreakError({
      code: "DIRTY_TREE",
      message: "The work tree has uncommitted changes; a hotfix branch must start clean.",
      details: files.slice(0, 20),
    }),
  unknownBase: (remote: string, branch: string) =>
    new FirebreakError({
      code: "UNKNOWN_BASE",
      message: `The production branch ${remote}/${branch} does not exist after fetching.`,
      next: `git ls-remote --heads ${remote}   # then set production.branch in .firebreak.yml, or pass --base`,
    }),
  badTicket: (ticket: string, pattern: string) =>
    new FirebreakError({ code: "BAD_TICKET", message: `"${ticket}" is not a ticket id: it must match ${pattern}.` }),
  ticketInProgress: (ticket: string, branch: string, startedAt: string) =>
    new FirebreakError({
      code: "TICKET_IN_PROGRESS",
      message: `${ticket} is already in progress on ${branch} (started ${startedAt}).`,
      next: `firebreak status ${ticket}`,
    }),
  /** A ticket held by an open incident the caller does not see: nothing of it is said but the ticket they typed. */
  ticketTaken: (ticket: string) =>
    new FirebreakError({
      code: "TICKET_IN_PROGRESS",
      message: `${ticket} is already in progress on this server.`,
      next: `firebreak list   # if ${ticket} is not there, ask a commander about it, or start under the ticket your team tracks this under`,
    }),
  noIncident: (hint: string) => new FirebreakError({ code: "NO_INCIDENT", message: `No incident found ${hint}.` }),
  unsafeValue: (what: string, value: string, why: string, next?: string) =>
    new FirebreakError({
      code: "UNSAFE_VALUE",
      message: `Refused ${what} ${JSON.stringify(value.length > 80 ? value.slice(0, 80) + "…" : value)}: ${why}.`,
      next,
    }),
  git: (message: string, next?: string, details?: string[]) => new FirebreakError({ code: "GIT_FAILED", message, next, details }),
  config: (file: string, problems: string[]) =>
    new FirebreakError({
      code: "CONFIG_INVALID",
      message: `${file} has ${problems.length} problem${problems.length === 1 ? "" : "s"}.`,
      next: `fix ${file}, then run: firebreak config check`,
      details: problems,
    }),
  tampered: (problem: string) =>
    new FirebreakError({ code: "TIMELINE_TAMPERED", message: `The timeline failed verification: ${problem}.` }),
  possiblyDone: (key: string, next: string) =>
    new FirebreakError({
      code: "EFFECT_POSSIBLY_DONE",
      message: `"${key}" was started by an earlier run that stopped before it recorded the result, and the outcome cannot be checked.`,
      next,
    }),
  demoFailed: (what: string, root: string) =>
    new FirebreakError({
      code: "DEMO_STEP_FAILED",
      message: `The demo stopped: ${what}.`,
      why: `The sandbox is kept at ${root} with its record and logs.`,
      next: `cd ${root}/api && firebreak status`,
    }),
} as const;
