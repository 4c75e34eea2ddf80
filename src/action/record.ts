// The incident record a run in CI can see. A fresh runner's clone has none: .git/firebreak/ is never
// committed, so unless the team's PostgreSQL record is given (FIREBREAK_DATABASE_URL) or a SQLite
// file is named (FIREBREAK_DB), there is nothing to read, and nothing is made up on the runner
// either: opening the store would create an empty record the next run never sees.

import { existsSync } from "node:fs";
import type { App } from "../app/app.js";
import { locateDb } from "../app/locate-db.js";
import { findIncident } from "../app/resolve-incident.js";
import type { Incident } from "../domain/types.js";
import { FirebreakError, isFirebreakError } from "../errors.js";

/** Whether this run has a record to read: a database URL, or a SQLite file that exists. */
export async function hasRecord(app: App): Promise<boolean> {
  const env = app.env;
  if (env.FIREBREAK_DATABASE_URL) return true;
  const commonDir = (await app.git.isRepo()) ? await app.git.commonDir() : null;
  const where = locateDb({ env, gitCommonDir: commonDir, cwd: app.cwd });
  return "sqlitePath" in where && existsSync(where.sqlitePath);
}

/** The PR's incident, or null when there is no record or none in it for this branch or ticket. */
export async function incidentOrNone(app: App, ticket: string | undefined, branch: string): Promise<Incident | null> {
  if (!(await hasRecord(app))) return null;
  return findIncident(await app.store(), ticket, branch).catch((e: unknown) => {
    if (isFirebreakError(e) && e.code === "NO_INCIDENT") return null;
    throw e;
  });
}

/** The PR's incident; without a record, an error that says where the record has to come from. */
export async function requireIncident(app: App, ticket: string | undefined, branch: string): Promise<Incident> {
  if (!(await hasRecord(app)))
    throw new FirebreakError({
      code: "NO_INCIDENT",
      message: `No incident record on this runner for ${ticket ?? branch}: a fresh clone has none (the record is not committed).`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the hint is workflow YAML, not a template literal
      next: "give the step the team's record: env FIREBREAK_DATABASE_URL: ${{ secrets.FIREBREAK_DATABASE_URL }}",
    });
  return findIncident(await app.store(), ticket, branch);
}
