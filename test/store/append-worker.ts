// Child process for the concurrent-writers test: opens the store, says "ready", waits for "go" on
// stdin, appends N events to one incident, says "done". Run with: node --import tsx append-worker.ts
// <options json> <incident id> <count> <actor>

import { openStore } from "../../src/store/open-store.js";

const [optionsJson, incidentId, countText, actor] = process.argv.slice(2);
if (!optionsJson || !incidentId || !countText || !actor) {
  process.stderr.write("usage: append-worker.ts <options json> <incident id> <count> <actor>\n");
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
  const count = Number(countText);
  for (let i = 1; i <= count; i++) {
    await store.appendEvent(incidentId, { at: new Date().toISOString(), actor, kind: "note", data: { text: `note ${i}`, i } });
  }
  process.stdout.write("done\n");
} finally {
  await store.close();
}
