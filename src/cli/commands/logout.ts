// firebreak logout: forgets this clone's server and its saved token; the clone's own record
// (.git/firebreak/firebreak.db) is used again. Nothing on the server changes.

import type { CommandInput } from "../run-command.js";
import { forgetLogin, keptNotes, serverUrlFor, useServer } from "../../app/server-login.js";

export async function run({ app, out }: CommandInput): Promise<number> {
  const commonDir = (await app.git.isRepo()) ? await app.git.commonDir() : null;
  const url = serverUrlFor(commonDir, { ...app.env, FIREBREAK_SERVER: undefined });
  if (!url) {
    out.data({ server: null });
    out.line("This clone is not logged in to a team server: its record is its own.");
    out.next("firebreak login https://firebreak.example.com");
    return 0;
  }
  const forgot = forgetLogin(app.env, url);
  if (commonDir) useServer(commonDir, null);
  out.data({ server: url, tokenForgotten: forgot });
  out.line(
    `Logged out of ${url}: this clone's commands use its own record again${forgot ? `, and the token for ${url} is forgotten (it was yours for every clone: each needs firebreak login again)` : ""}.`,
  );
  // Notes kept while the server did not answer stay in this clone and go up with the next login.
  if (commonDir) {
    const kept = keptNotes(commonDir, url);
    if (kept > 0)
      out.warn(
        `${kept === 1 ? "1 note" : `${kept} notes`} kept while the server did not answer ${kept === 1 ? "is" : "are"} not uploaded yet: ${kept === 1 ? "it goes" : "they go"} up with your next command after firebreak login ${url}.`,
      );
  }
  out.next(`firebreak login ${url}   # to work on the team's record again`);
  return 0;
}
