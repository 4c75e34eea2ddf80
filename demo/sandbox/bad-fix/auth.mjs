// Decides whether a bearer token may call the API.

import { TOKENS } from "./tokens.mjs";

/** { status: 200, user } or { status: 401, reason }. */
export function authorize(header, nowSeconds = Date.now() / 1000) {
  const token = TOKENS[String(header ?? "").replace(/^Bearer /, "")];
  if (!token) return { status: 401, reason: "unknown token" };
  // Tokens carry `exp` since the move to JWT-style claims; only read-scoped tokens may call.
  if (token.exp < nowSeconds || !token.scope.includes("read")) return { status: 401, reason: "token expired" };
  return { status: 200, user: token.sub };
}
