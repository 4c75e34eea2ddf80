// Decides whether a bearer token may call the API.

import { TOKENS } from "./tokens.mjs";

/** { status: 200, user } or { status: 401, reason }. */
export function authorize(header, nowSeconds = Date.now() / 1000) {
  const token = TOKENS[String(header ?? "").replace(/^Bearer /, "")];
  if (!token) return { status: 401, reason: "unknown token" };
  // Tokens carry `exp` since the move to JWT-style claims.
  if (token.exp < nowSeconds) return { status: 401, reason: "token expired" };
  return { status: 200, user: token.sub };
}
