// Issuing a token: 256 random bits shown once; the database keeps only their sha256, the name,
// the role, the kind and the optional expiry and incident scope. Every issue and revoke is audited.

import { randomBytes } from "node:crypto";
import { FirebreakError } from "../errors.js";
import { ROLES, TOKEN_KINDS, tokenHash, type Role, type ServerRecords, type TokenKind, type TokenRecord } from "../store/server-records.js";

export interface TokenRequest {
  name: string;
  role: string;
  kind?: string;
  expiresAt?: string | null;
  incidentScope?: string | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,99}$/;

export async function issueToken(
  records: ServerRecords,
  req: TokenRequest,
  by: string,
  now: Date,
  /** The operator's --data/--team for the next command, so it works on the same database. */
  flags = "",
): Promise<{ secret: string; token: TokenRecord }> {
  if (!NAME.test(req.name))
    throw new FirebreakError({
      code: "USAGE",
      message: "--name: letters, digits, space, . _ @ - only, up to 100 characters.",
      next: "firebreak token create --name alice --role responder",
    });
  if (!(ROLES as readonly string[]).includes(req.role))
    throw new FirebreakError({ code: "USAGE", message: `--role must be one of ${ROLES.join(", ")}.` });
  const kind = req.kind ?? "person";
  if (!(TOKEN_KINDS as readonly string[]).includes(kind))
    throw new FirebreakError({ code: "USAGE", message: `--kind must be one of ${TOKEN_KINDS.join(", ")}.` });
  if (req.expiresAt && Number.isNaN(Date.parse(req.expiresAt)))
    throw new FirebreakError({ code: "USAGE", message: "--expires needs an ISO date, e.g. 2027-01-31T00:00:00Z." });
  // Names compare as people do: Dana and dana are one person (the approval check reads them so).
  const wanted = req.name.toLowerCase();
  const taken = (await records.listTokens()).find(
    (t) => t.name.toLowerCase() === wanted && t.revokedAt === null && (t.expiresAt === null || Date.parse(t.expiresAt) > now.getTime()),
  );
  if (taken)
    throw new FirebreakError({
      code: "TOKEN_NAME_TAKEN",
      message: `${taken.name} already has a live token, ${taken.id} (${taken.role}, ${taken.kind}, created ${taken.createdAt}).`,
      next: `firebreak token revoke ${taken.id}${flags}   # first, to replace it; or choose another --name (all tokens: firebreak token list${flags})`,
    });
  const secret = `fbk_${randomBytes(32).toString("base64url")}`;
  const token = await records.insertToken(
    {
      id: `tok_${randomBytes(8).toString("hex")}`,
      name: req.name,
      role: req.role as Role,
      kind: kind as TokenKind,
      createdAt: now.toISOString(),
      expiresAt: req.expiresAt ? new Date(req.expiresAt).toISOString() : null,
      incidentScope: req.incidentScope ?? null,
    },
    tokenHash(secret),
  );
  await records.audit(by, "token.created", token.id, {
    name: token.name,
    role: token.role,
    kind: token.kind,
    expiresAt: token.expiresAt,
    incidentScope: token.incidentScope,
  });
  return { secret, token };
}

export async function revokeToken(records: ServerRecords, id: string, by: string): Promise<void> {
  if (!(await records.revokeToken(id)))
    throw new FirebreakError({ code: "USAGE", message: `No active token ${id}.`, next: "firebreak token list" });
  await records.audit(by, "token.revoked", id);
}
