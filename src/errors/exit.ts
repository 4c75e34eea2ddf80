// The exit codes, in one table. The README's table and docs/errors.md say the same
// (test/errors/docs.test.ts checks both against this one).

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
/** The exits of a run stopped by a signal (128 + the signal's number). */
export type SignalExit = typeof EXIT.hungUp | typeof EXIT.interrupted | typeof EXIT.terminated;

/** What each exit code means, in a person's words: the table of docs/errors.md. */
export const EXIT_MEANING: Record<ExitCode, string> = {
  0: "done",
  1: "unexpected error: run again with `--debug` and report it",
  2: "usage: a flag is wrong or input is missing",
  3: "triage: not an emergency",
  4: "refused: a precondition failed (dirty tree, unknown base, ticket already in progress…)",
  5: "blocked: a gate, guard rule or check did not pass",
  6: "conflict: a person must resolve it",
  7: "`.firebreak.yml` (or a file or variable it names) is invalid",
  8: "the record failed verification (an edited, deleted or reordered event, or a damaged database)",
  9: "git or an outside service failed",
  129: "stopped by SIGHUP (the terminal went away): what was interrupted is recorded, locks are released",
  130: "stopped by SIGINT (Ctrl-C): what was interrupted is recorded, locks are released",
  143: "stopped by SIGTERM: what was interrupted is recorded, locks are released",
};
