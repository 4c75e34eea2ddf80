// The sandbox service's token store: who a bearer token belongs to and when it expires
// (`exp`, seconds since the epoch, as in a JWT). Fixed data so the demo is repeatable.

const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);

export const TOKENS = {
  "tok-alice": { sub: "alice", exp: now() + 8 * HOUR, scope: ["read"] },
  "tok-expired-bob": { sub: "bob", exp: now() - 2 * HOUR, scope: ["read"] },
  // Issued before scopes existed: no `scope` field.
  "tok-legacy-carol": { sub: "carol", exp: now() + 8 * HOUR },
};
