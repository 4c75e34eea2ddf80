// firebreak logout: forgets this clone's server and its saved token; the clone's own record
// (.git/firebreak/firebreak.db) is used again. Nothing on the server changes.

import type { CommandInput } from "../run-command.js";
import { forgetLogin, serverUrlFor, useServer } from "../../app/server-login.js";

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
  out.line(`Logged out of ${url}${forgot ? " and forgot its token" : ""}: this clone's commands use its own record again.`);
  out.next(`firebreak login ${url}   # to work on the team's record again`);
  return 0;
}
