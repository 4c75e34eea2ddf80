// `firebreak demo --team`: the team server on the demo's own record (the sandbox's SQLite file),
// so every command the demo runs shows up live on the dashboard. It prints the dashboard's URL and
// a sign-in token made for this sandbox only: a commander's, because the demo's incident is a
// security one (auth-bypass), which only commanders and its members may see.

import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { silentLogger } from "../server/log.js";
import { startServer } from "../server/serve.js";
import { issueToken } from "../server/tokens.js";

export interface TeamServer {
  url: string;
  close(): Promise<void>;
}

export async function startTeamServer(work: string, write: (text: string) => void): Promise<TeamServer> {
  // Where the CLI keeps the record in a clone (src/app/locate-db.ts): .git/firebreak/firebreak.db.
  const sqlitePath = join(work, ".git", "firebreak", "firebreak.db");
  mkdirSync(dirname(sqlitePath), { recursive: true });
  const running = await startServer({ env: {}, sqlitePath, host: "127.0.0.1", port: 0, log: silentLogger });
  const { secret } = await issueToken(running.storage.records, { name: "demo-commander", role: "commander" }, "demo", new Date());
  write(
    `  dashboard ${running.url}/ui\n            sign in with ${secret}\n            (a commander token for this sandbox's server only; it ends with the demo)\n`,
  );
  return { url: running.url, close: () => running.close() };
}
