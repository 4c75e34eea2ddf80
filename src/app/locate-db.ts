// Where the record lives. By default in the repository's git common dir (.git/firebreak/), so it
// is shared by every worktree of the clone and can never be committed by accident.

import { join, resolve } from "node:path";

export type DbLocation = { postgresUrl: string; schema?: string } | { sqlitePath: string };

export function locateDb(opts: { db?: string; env: NodeJS.ProcessEnv; gitCommonDir: string | null; cwd: string }): DbLocation {
  const url = opts.env.FIREBREAK_DATABASE_URL;
  // FIREBREAK_DATABASE_SCHEMA keeps several teams (or test runs) apart in one database.
  if (url) return { postgresUrl: url, schema: opts.env.FIREBREAK_DATABASE_SCHEMA || undefined };
  const explicit = opts.db ?? opts.env.FIREBREAK_DB;
  if (explicit) return { sqlitePath: resolve(opts.cwd, explicit) };
  if (!opts.gitCommonDir) return { sqlitePath: resolve(opts.cwd, ".firebreak", "firebreak.db") };
  return { sqlitePath: join(opts.gitCommonDir, "firebreak", "firebreak.db") };
}
