// Every POST of the dashboard proves it came from the dashboard's own page: the Origin header names
// this server, and (once signed in) the form carries the session's CSRF token. The token is derived
// from the session id, which only the HttpOnly cookie holds, so another site can neither read nor
// guess it, and nothing more needs storing.

import { createHash, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { isHttps } from "./session.js";

export const csrfToken = (sessionId: string): string => createHash("sha256").update(`firebreak.csrf:${sessionId}`).digest("base64url");

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
  const given = typeof form.csrf === "string" ? Buffer.from(form.csrf) : Buffer.alloc(0);
  const want = Buffer.from(csrfToken(sessionId));
  if (given.length !== want.length || !timingSafeEqual(given, want)) return "the form's CSRF token is missing or wrong";
  return null;
}
