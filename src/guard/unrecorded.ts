// The guard on a change with no incident record behind it: a hotfix PR checked on a fresh CI runner
// where nobody ran `firebreak start` (or the record is a laptop's SQLite file the runner cannot see).
// It compares the checkout (HEAD, with anything uncommitted) with the PR's base, as fetched from the
// remote, using the config's guard rules at the level given. Nothing is recorded: there is no
// timeline to record on, and callers say so; an override counts for this run only.

import type { Git } from "../ports/git.js";
import type { Priority } from "../domain/types.js";
import { PRIORITIES } from "../domain/types.js";
import { E } from "../errors.js";
import type { GuardConfig } from "./defaults.js";
import { readChangeSet } from "./read-diff.js";
import { runGuard, type GuardAllow, type GuardReport } from "./guard.js";

export interface UnrecordedGuardInput {
  remote: string;
  /** The branch the PR goes into. */
  base: string;
  priority: Priority;
  /** The ticket a comment at the fix should name ("" when it cannot be told: any "why" comment then counts). */
  ticket: string;
  config: GuardConfig & { testPatterns?: readonly string[] };
  allows: GuardAllow[];
}

/** The level a change without a record is guarded at when none is given. */
export const UNRECORDED_PRIORITY: Priority = "P1";

/** The ticket a hotfix branch names (hotfix/ENG-1234-slug → ENG-1234), else "". */
export function ticketOfBranch(branch: string | null | undefined): string {
  return /^hotfix\/([A-Z][A-Z0-9]{0,9}-[0-9]{1,9})(?:-|$)/.exec(branch ?? "")?.[1] ?? "";
}

/** A level from a flag or a PR's labels (P0…P3), else null. */
export function priorityOf(values: readonly (string | undefined)[]): Priority | null {
  for (const v of values)
    if (v && (PRIORITIES as readonly string[]).includes(v.trim().toUpperCase())) return v.trim().toUpperCase() as Priority;
  return null;
}

export async function guardWithoutRecord(
  deps: { git: Git; root: string },
  input: UnrecordedGuardInput,
  onFetchFailed: (message: string) => void = () => undefined,
): Promise<GuardReport> {
  const { git, root } = deps;
  const baseRef = `refs/remotes/${input.remote}/${input.base}`;
  // A CI checkout often has only the PR's head: the base is fetched to compare with.
  await git.fetch(input.remote, [input.base]).catch((e: Error) => onFetchFailed(e.message));
  if (!(await git.refExists(baseRef))) throw E.unknownBase(input.remote, input.base);
  const changes = await readChangeSet(root, baseRef, { ...(input.config.testPatterns ? { testPatterns: input.config.testPatterns } : {}) });
  if (changes.files.length === 0)
    throw E.usage(
      `Nothing has changed against ${input.remote}/${input.base}: there is no change to guard.`,
      "firebreak check --guard-only --ci --base <the PR's base branch>",
    );
  return runGuard(changes, { priority: input.priority, ticket: input.ticket, config: input.config as never, allows: input.allows });
}
