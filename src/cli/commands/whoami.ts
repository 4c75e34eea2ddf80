// firebreak whoami: where this clone's record lives, and who the server takes its token for.

import type { CommandInput } from "../run-command.js";

export async function run({ app, out }: CommandInput): Promise<number> {
  const who = await app.serverIdentity({ live: true });
  if (!who) {
    const actor = await app.actor();
    out.data({ server: null, name: actor });
    out.line(`No team server: this clone keeps its own record, and writes are recorded as ${actor} (git user.name or FIREBREAK_ACTOR).`);
    out.next("firebreak login https://firebreak.example.com   # to work on a team's record");
    return 0;
  }
  out.data({ ...who });
  out.line(`${who.name} (${who.role}, ${who.kind}) on ${who.server}: every write through this clone is recorded as ${who.name}.`);
  out.next("firebreak list");
  return 0;
}
