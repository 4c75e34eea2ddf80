// firebreak whoami: where this clone's record lives, and who the server takes its token for.

import type { CommandInput } from "../run-command.js";
import { savedIdentity, serverUrlFor } from "../../app/server-login.js";
import { FirebreakError, isFirebreakError } from "../../errors.js";

export async function run({ app, out }: CommandInput): Promise<number> {
  const who = await app.serverIdentity({ live: true }).catch(async (e: unknown) => {
    const commonDir = (await app.git.isRepo()) ? await app.git.commonDir() : null;
    throw unanswered(app.env, serverUrlFor(commonDir, app.env)?.replace(/\/+$/, "") ?? null, e);
  });
  if (!who) {
    const actor = await app.actor();
    const direct = app.env.FIREBREAK_DATABASE_URL ? "FIREBREAK_DATABASE_URL" : app.env.FIREBREAK_DB ? "FIREBREAK_DB" : null;
    if (direct) {
      out.data({ server: null, name: actor, database: direct });
      out.line(
        `${direct} is set: this clone reads and writes that database directly, as an operator does, outside any team server's roles; writes are recorded as ${actor}.`,
      );
      out.next(`unset ${direct} to work through the team server this clone is logged in to, if any`);
      return 0;
    }
    out.data({ server: null, name: actor });
    out.line(`No team server: this clone keeps its own record, and writes are recorded as ${actor} (git user.name or FIREBREAK_ACTOR).`);
    out.next("firebreak login https://firebreak.example.com   # to work on a team's record");
    return 0;
  }
  out.data({ ...who });
  const team = who.team && who.team !== "default" ? `, team ${who.team}` : "";
  out.line(`${who.name} (${who.role}, ${who.kind}${team}) on ${who.server}: every write through this clone is recorded as ${who.name}.`);
  out.next("firebreak list");
  return 0;
}

/**
 * whoami is how a person checks the server, so its refusal cannot send them back to whoami: it
 * says who the saved login was for, and how to look at the server itself.
 */
function unanswered(env: NodeJS.ProcessEnv, url: string | null, e: unknown): unknown {
  if (!isFirebreakError(e) || e.code !== "SERVER_UNREACHABLE" || !url) return e;
  const saved = savedIdentity(env, url);
  return new FirebreakError({
    code: "SERVER_UNREACHABLE",
    message: `${e.message}${saved ? ` The login saved here is ${saved.name} (${saved.role}, ${saved.kind}).` : ""}`,
    next: `look at the server: curl -fsS ${url}/readyz; meanwhile status, list and log read this clone's copy, and a step that cannot wait takes --offline --reason "why"`,
    details: e.details,
  });
}
