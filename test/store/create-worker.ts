// Child process for the one-start-per-ticket test: opens the store, says "ready", waits for "go" on
// stdin, starts an incident for the ticket once, and prints {ok:true,id} or {ok:false,code}.
// Run with: node --import tsx create-worker.ts <options json> <ticket> <branch>

import { openStore } from "../../src/store/open-store.js";
import { isFirebreakError } from "../../src/errors.js";
import { event, newIncident } from "./backends.js";

const [optionsJson, ticket, branch] = process.argv.slice(2);
if (!optionsJson || !ticket || !branch) {
  process.stderr.write("usage: create-worker.ts <options json> <ticket> <branch>\n");
  process.exit(2);
}
const store = await openStore(JSON.parse(optionsJson));
process.stdout.write("ready\n");
await new Promise<void>((resolve) => {
  let buf = "";
  process.stdin.on("data", (chunk: Buffer) => {
    buf += chunk.toString("utf8");
    if (buf.includes("go\n")) resolve();
  });
});
process.stdin.pause();
try {
  const inc = await store.createIncident(newIncident({ ticket, branch }), event("incident.started"));
  process.stdout.write(`${JSON.stringify({ ok: true, id: inc.id })}\n`);
} catch (e) {
  process.stdout.write(`${JSON.stringify({ ok: false, code: isFirebreakError(e) ? e.code : String(e) })}\n`);
} finally {
  await store.close();
}
