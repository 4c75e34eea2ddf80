// What the operator commands (token, audit) need from the server's database, opened from the same
// settings as `firebreak serve`. The CLI reaches the store only through here.

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { FirebreakError } from "../errors.js";
import { shq } from "../render/shell-quote.js";
import { verifyAuditChain, type AuditEntry, type TokenRecord } from "../store/server-records.js";
import { openStorage } from "./serve.js";
import { DEFAULT_TEAM } from "../domain/access.js";
import { parseTeamName } from "../domain/access.js";
import { issueToken, revokeToken, type TokenRequest } from "./tokens.js";

export type { AuditEntry, TokenRecord };

/**
 * Opens the server's database for an operator command. Only `serve --init-admin` may create it
 * (`create`): a token made in a new, empty file by a mistyped or missing --data would never reach
 * the running server, and nothing would say so.
 */
export async function withOperator<T>(
  env: NodeJS.ProcessEnv,
  sqlitePath: string,
  fn: (ops: Operator) => Promise<T>,
  o: { create?: boolean; team?: string } = {},
): Promise<T> {
  // Checked before the database is opened: a hostile --team never reaches a query or a log line.
  const team = parseTeamName(o.team ?? DEFAULT_TEAM);
  if (!env.FIREBREAK_DATABASE_URL && !o.create && !existsSync(sqlitePath))
    throw new FirebreakError({
      code: "SERVER_NO_DATABASE",
      message: `No server database at ${resolve(sqlitePath)}; nothing was created.`,
      next: `firebreak serve --init-admin --data ${shq(sqlitePath)}   # or pass --data with the server's database file`,
    });
  const storage = await openStorage(env, sqlitePath);
  try {
    // One team's tokens and audit log: the operator names the team (--team), 'default' otherwise.
    const r = storage.records.forTeam(team);
    return await fn({
      create: (req, by) => issueToken(r, req, by, new Date(), dataFlag(env, sqlitePath, team)),
      list: () => r.listTokens(),
      revoke: (id, by) => revokeToken(r, id, by),
      count: () => r.countTokens(),
      audit: () => r.auditLog(),
    });
  } finally {
    await storage.close();
  }
}

export interface Operator {
  create(req: TokenRequest, by: string): Promise<{ secret: string; token: TokenRecord }>;
  list(): Promise<TokenRecord[]>;
  revoke(id: string, by: string): Promise<void>;
  count(): Promise<number>;
  audit(): Promise<AuditEntry[]>;
}

/** The audit log checked; throws AUDIT_TAMPERED at the first bad entry. */
export function verifyAudit(entries: readonly AuditEntry[]): number {
  const check = verifyAuditChain(entries);
  if (!check.ok)
    throw new FirebreakError({
      code: "AUDIT_TAMPERED",
      message: `The audit log was ${check.problem!.reason} at entry ${check.problem!.seq} (${check.checked} entries before it check out).`,
    });
  return check.checked;
}

/** The --team of an operator command ('default' when not given). */
export const teamOf = (opts: Record<string, unknown>): string => (typeof opts.team === "string" ? opts.team : DEFAULT_TEAM);

/** The default --data of the operator commands (as declared for serve, token and audit). */
export const DEFAULT_SERVER_DATA = "firebreak-server.db";

/**
 * " --data FILE" for a next step, so the command it names works on the same database; empty for
 * the default file, or when FIREBREAK_DATABASE_URL (which --data does not override) is set. With
 * a team other than 'default', " --team NAME" too, so the next command works on the same team.
 */
export function dataFlag(env: NodeJS.ProcessEnv, sqlitePath: string, team: unknown = DEFAULT_TEAM): string {
  const data = env.FIREBREAK_DATABASE_URL || sqlitePath === DEFAULT_SERVER_DATA ? "" : ` --data ${shq(sqlitePath)}`;
  return typeof team === "string" && team !== DEFAULT_TEAM ? `${data} --team ${shq(team)}` : data;
}
