// Slack's request signature, checked once for every endpoint: HMAC-SHA256 with the app's signing
// secret over `v0:{timestamp}:{raw body}`, compared in constant time, with the timestamp within five
// minutes of now (an old request is refused even when its signature is right). Replays inside that
// window are caught by the caller's replay cache, keyed by the signature.

import { createHmac, timingSafeEqual } from "node:crypto";

export const MAX_AGE_SECONDS = 5 * 60;

export type Verdict = { ok: true; id: string } | { ok: false; why: string };

export function slackSignature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`, "utf8").digest("hex")}`;
}

export function verifySignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  now: Date,
): Verdict {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, why: "the request is not signed" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, why: "the request's timestamp is not a number" };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_AGE_SECONDS)
    return { ok: false, why: "the request's timestamp is more than five minutes from now" };
  const expected = Buffer.from(slackSignature(secret, timestamp, body), "utf8");
  const given = Buffer.from(signature, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: "the signature does not match" };
  // The signature covers the timestamp and the body: a resend of the same request has the same one.
  return { ok: true, id: signature.slice(3) };
}
