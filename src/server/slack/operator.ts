// What `firebreak slack link-code` needs from the server's database, opened from the same settings
// as `firebreak serve` (like the token commands: whoever reaches the database needs no token).

import { openStorage } from "../serve.js";
import { issueLinkCode } from "./link.js";

export async function slackLinkCode(env: NodeJS.ProcessEnv, sqlitePath: string, name: string) {
  const storage = await openStorage(env, sqlitePath);
  try {
    return await issueLinkCode(storage.records, name, new Date());
  } finally {
    await storage.close();
  }
}
