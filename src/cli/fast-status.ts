// `firebreak status` without commander, Kysely or migrations: flags parsed with node's parseArgs,
// the common dir and the branch read from .git (else one git call through the Git adapter), the
// record read through the read-only SQLite reader. Returns false whenever it cannot be sure
// (PostgreSQL, unknown flags, no record yet, any error), and the full program then runs the same
// command the ordinary way.

import { parseArgs } from "node:util";
import { resolve, isAbsolute } from "node:path";
import { findGitDir, type GitLocation } from "./find-git-dir.js";
import { locateDb } from "../app/locate-db.js";
import { serverUrlFor } from "../app/server-login.js";
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
  // A clone logged in to a team server reads its record there, through the full program.
  try {
    if (serverUrlFor(commonDir, process.env)) return false;
  } catch {
    return false; // a malformed address: the full program says what is wrong with it
  }

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

// The one git call this path may make goes through the Git adapter itself, with its hardening
// (protocol limits, no prompts, no inherited GIT_DIR and friends, C locale): the same call the full
// program makes. Reading .git directly (find-git-dir.ts) runs no program at all and gives up on
// anything unusual. The adapter is bundled in but evaluated only here, so status pays nothing for it.
async function askGit(cwd: string): Promise<GitLocation | null> {
  const { Git } = await import("../adapters/git/git.js");
  const git = await new Git(cwd).raw(["rev-parse", "--git-common-dir", "--symbolic-full-name", "HEAD"]).catch(() => null);
  if (!git || git.code !== 0) return null;
  const [commonDir, headRef] = git.stdout.trim().split("\n");
  if (!commonDir) return null;
  return {
    commonDir: isAbsolute(commonDir) ? commonDir : resolve(cwd, commonDir),
    branch: headRef?.startsWith("refs/heads/") ? headRef.slice("refs/heads/".length) : null,
  };
}
