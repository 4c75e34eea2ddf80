// `firebreak status` without commander, Kysely or migrations: flags parsed with node's parseArgs,
// one git call for the common dir and the branch, the record read through the read-only SQLite
// reader. Returns false whenever it cannot be sure (PostgreSQL, unknown flags, no record yet, any
// error), and the full program then runs the same command the ordinary way.

import { parseArgs } from "node:util";
import { resolve, isAbsolute } from "node:path";
import { findGitDir, type GitLocation } from "./find-git-dir.js";
import { locateDb } from "../app/locate-db.js";
import { findIncident } from "../app/resolve-incident.js";
import { systemClock } from "../app/clock.js";
import { openSqliteReader } from "../store/sqlite-reader.js";
import { registerEnvSecrets } from "../redact.js";
import { Output } from "./output.js";
import { renderStatus } from "./status-view.js";

export async function fastStatus(argv: string[]): Promise<boolean> {
  // FIREBREAK_FAST_STATUS=0 is the escape hatch: the full program answers the same question.
  if (process.env.FIREBREAK_DATABASE_URL || process.env.FIREBREAK_FAST_STATUS === "0") return false;
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean" },
        debug: { type: "boolean" },
        db: { type: "string" },
        dir: { type: "string", short: "C" },
        tail: { type: "string", short: "n" },
      },
    });
  } catch {
    return false; // --help, a typo…: commander explains it properly
  }
  const [command, ticket, ...extra] = parsed.positionals;
  if (command !== "status" || extra.length > 0) return false;
  const { values } = parsed;
  const cwd = values.dir ? resolve(values.dir) : process.cwd();

  // Where the record lives and which branch is checked out: read from .git, else asked of git.
  const found = findGitDir(cwd) ?? (await askGit(cwd));
  if (!found) return false;
  const { commonDir, branch } = found;

  const where = locateDb({ db: values.db, env: process.env, gitCommonDir: commonDir, cwd });
  if (!("sqlitePath" in where)) return false;
  const reader = openSqliteReader(where.sqlitePath);
  if (!reader) return false;
  registerEnvSecrets();
  const out = new Output({ json: Boolean(values.json), debug: Boolean(values.debug) });
  try {
    const incident = await findIncident(reader, ticket, ticket ? null : branch);
    renderStatus(out, incident, await reader.timeline(incident.id), systemClock().now(), Number(values.tail ?? 5) || 0);
    process.exitCode = 0;
  } catch (e) {
    process.exitCode = out.error(e);
  } finally {
    reader.close();
  }
  return true;
}

async function askGit(cwd: string): Promise<GitLocation | null> {
  // Loaded only here: child_process alone costs the common case a few milliseconds.
  const { run } = await import("../adapters/process.js");
  const git = await run("git", ["rev-parse", "--git-common-dir", "--symbolic-full-name", "HEAD"], { cwd, env: { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" } }).catch(() => null);
  if (!git || git.code !== 0) return null;
  const [commonDir, headRef] = git.stdout.trim().split("\n");
  if (!commonDir) return null;
  return {
    commonDir: isAbsolute(commonDir) ? commonDir : resolve(cwd, commonDir),
    branch: headRef?.startsWith("refs/heads/") ? headRef.slice("refs/heads/".length) : null,
  };
}
