// What `firebreak slack link-code` needs from the server's database, opened from the same settings
// as `firebreak serve` (like the token commands: whoever reaches the database needs no token).

import { openStorage } from "../serve.js";
import { issueLinkCode } from "./link.js";
import { parseTeamName } from "../../domain/access.js";
import { DEFAULT_TEAM } from "../../domain/access.js";

/** A link code for the person token named `name` in `team` (the link then acts in that team). */
export async function slackLinkCode(env: NodeJS.ProcessEnv, sqlitePath: string, name: string, team: string = DEFAULT_TEAM) {
  const t = parseTeamName(team);
  const storage = await openStorage(env, sqlitePath);
  try {
    return await issueLinkCode(storage.records.forTeam(t), name, new Date());
  } finally {
    await storage.close();
  }
}
