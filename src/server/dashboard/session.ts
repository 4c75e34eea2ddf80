// A browser's sign-in: a token, checked exactly as the API's bearer check does (known hash, not
// expired, not revoked), exchanged for a session. The session id is 256 random bits that live only
// in an HttpOnly, SameSite=Strict cookie (Secure over HTTPS); the database keeps its sha256. Every
// request re-reads the token behind the session, so revoking the token ends its sessions at once.

import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { tokenHash, type ServerRecords, type TokenRecord } from "../../store/server-records.js";
import type { Caller } from "../access.js";

export const COOKIE = "fb_session";
const SESSION_HOURS = 12;

/** Whether the browser reached us over HTTPS (directly, or through a proxy that says so). */
export const isHttps = (c: Context): boolean =>
  (c.req.header("x-forwarded-proto") ?? "").split(",")[0]!.trim() === "https" || new URL(c.req.url).protocol === "https:";

/** Why a token may not be used now, or null when it may. */
export function tokenRefusal(token: TokenRecord | undefined, now: Date): string | null {
  if (!token) return "unknown token";
  if (token.revokedAt !== null) return "revoked token";
  if (token.expiresAt !== null && token.expiresAt <= now.toISOString()) return "expired token";
  return null;
}

export interface Session {
  /** The cookie's value (never stored, never logged): the CSRF token is derived from it. */
  id: string;
  caller: Caller;
}

/** Checks a token given at sign-in; on success starts a new session (ending the browser's old one). */
export async function signIn(
  c: Context,
  records: ServerRecords,
  secret: string,
  now: Date,
): Promise<{ ok: true; token: TokenRecord } | { ok: false; why: string }> {
  const token = secret ? await records.tokenByHash(tokenHash(secret)) : undefined;
  const why = tokenRefusal(token, now);
  if (why || !token) {
    if (token) await records.forTeam(token.team).audit(token.name, "refused", "dashboard sign-in", { reason: why });
    return { ok: false, why: why ?? "unknown token" };
  }
  const old = getCookie(c, COOKIE);
  if (old) await records.deleteSessions({ hash: tokenHash(old) });
  await records.deleteSessions({}); // expired ones
  const id = randomBytes(32).toString("base64url");
  const expires = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  // The session is the token's team's, as everything it does.
  const mine = records.forTeam(token.team);
  await mine.createSession(tokenHash(id), token.id, expires.toISOString());
  setCookie(c, COOKIE, id, { httpOnly: true, sameSite: "Strict", secure: isHttps(c), path: "/ui", expires });
  await mine.audit(token.name, "login", "dashboard", {});
  return { ok: true, token };
}

/** The session of this request, when its cookie names a live session whose token may still be used. */
export async function currentSession(c: Context, records: ServerRecords, now: Date): Promise<Session | undefined> {
  const id = getCookie(c, COOKIE);
  if (!id || id.length > 100) return undefined;
  const tokenId = await records.sessionToken(tokenHash(id));
  if (!tokenId) return undefined;
  const token = await records.tokenByIdInAnyTeam(tokenId);
  if (tokenRefusal(token, now) || !token) {
    await records.deleteSessions({ tokenId });
    return undefined;
  }
  return { id, caller: { token, memberships: await records.forTeam(token.team).membershipsOf(token.name) } };
}

export async function signOut(c: Context, records: ServerRecords): Promise<void> {
  const id = getCookie(c, COOKIE);
  if (id) await records.deleteSessions({ hash: tokenHash(id) });
  deleteCookie(c, COOKIE, { path: "/ui", secure: isHttps(c), httpOnly: true, sameSite: "Strict" });
}
