// Every POST of the dashboard proves it came from the dashboard's own page: the Origin header names
// this server, and (once signed in) the form carries the session's CSRF token. The token is derived
// from the session id, which only the HttpOnly cookie holds, so another site can neither read nor
// guess it, and nothing more needs storing. Each page carries it masked with fresh random bytes,
// so compressed pages never repeat the same secret bytes (no length oracle on the token).

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { isHttps } from "./session.js";

const secretOf = (sessionId: string): Buffer => createHash("sha256").update(`firebreak.csrf:${sessionId}`).digest();

const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ b[i]!));

/** The session's CSRF token, masked afresh: random pad, then pad XOR secret. */
export function csrfToken(sessionId: string): string {
  const pad = randomBytes(32);
  return Buffer.concat([pad, xor(pad, secretOf(sessionId))]).toString("base64url");
}

/** This server's origin as the browser sees it. */
export function ownOrigin(c: Context): string {
  const url = new URL(c.req.url);
  const host = c.req.header("x-forwarded-host") ?? c.req.header("host") ?? url.host;
  return `${isHttps(c) ? "https" : url.protocol.replace(":", "")}://${host}`;
}

/** Why this POST is refused, or null: a foreign or missing Origin, or a missing or wrong CSRF token. */
export function csrfRefusal(c: Context, form: Record<string, unknown>, sessionId: string | null): string | null {
  const origin = c.req.header("origin");
  if (!origin || origin !== ownOrigin(c)) return origin ? `the request came from another site (${origin})` : "the request named no origin";
  if (sessionId === null) return null;
  const given = typeof form.csrf === "string" && form.csrf.length <= 100 ? Buffer.from(form.csrf, "base64url") : Buffer.alloc(0);
  const want = secretOf(sessionId);
  if (given.length !== 64 || !timingSafeEqual(xor(given.subarray(0, 32), given.subarray(32)), want))
    return "the form's CSRF token is missing or wrong";
  return null;
}
