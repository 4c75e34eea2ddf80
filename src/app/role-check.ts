// A role refusal comes before any progress line. The team server refuses a write the token's role
// does not allow, but only when the write reaches it: by then a command has printed "Rolling back…"
// as if it had started. Commands whose work starts with such a write ask here first, from the
// identity saved at login (no extra request once the store is open).

import type { App } from "./app.js";
import { roleAtLeast, type Role, type WriteRule } from "../domain/access.js";
import { FirebreakError } from "../errors.js";

/** Refuses, in the server's terms, what the logged-in token may not do; does nothing off a server. */
export async function refuseUnlessAllowed(app: App, rule: WriteRule, command: string): Promise<void> {
  // An unanswered server is the command's own to say (it may wait, or work --offline).
  const who = await app.serverIdentity().catch(() => null);
  if (!who) return;
  if (!roleAtLeast(who.role as Role, rule.role))
    throw new FirebreakError({
      code: "SERVER_FORBIDDEN",
      message: `${who.name} is ${/^[aeiou]/.test(who.role) ? "an" : "a"} ${who.role} on ${who.server}: ${rule.what} needs the ${rule.role} role or above.`,
      next: `ask someone with the ${rule.role} role to run: ${command}   # or an admin for such a token of your own`,
    });
  if (rule.person && who.kind !== "person")
    throw new FirebreakError({
      code: "SERVER_FORBIDDEN",
      message: `${who.name} is ${who.kind === "agent" ? "an agent" : "a service"} token on ${who.server}: ${rule.what} is a person's decision.`,
      next: `ask a person to run it with their own token: ${command}`,
    });
}
