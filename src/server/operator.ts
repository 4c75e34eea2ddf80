// What the operator commands (token, audit) need from the server's database, opened from the same
// settings as `firebreak serve`. The CLI reaches the store only through here.

import { FirebreakError } from "../errors.js";
import { verifyAuditChain, type AuditEntry, type TokenRecord } from "../store/server-records.js";
import { openStorage } from "./serve.js";
import { issueToken, revokeToken, type TokenRequest } from "./tokens.js";

export type { AuditEntry, TokenRecord };

export async function withOperator<T>(env: NodeJS.ProcessEnv, sqlitePath: string, fn: (ops: Operator) => Promise<T>): Promise<T> {
  const storage = await openStorage(env, sqlitePath);
  try {
    const r = storage.records;
    return await fn({
      create: (req, by) => issueToken(r, req, by, new Date()),
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
