// Two people starting the same ticket at the same moment (two clones, one shared record): exactly
// one incident is started; the others get the refusal `start` gives for a ticket in progress. A
// resolved or abandoned incident does not count, so the ticket may be started again after it.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFirebreakError } from "../../src/errors.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/ports.js";
import { BACKENDS, event, newIncident, type BackendHandle } from "./backends.js";

const WORKER = fileURLToPath(new URL("./create-worker.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../..", import.meta.url));
const STARTS = 5;

/** STARTS processes, each with its own store, released together; what each one got. */
async function startInProcesses(options: unknown, ticket: string): Promise<Array<{ ok: boolean; code?: string }>> {
  const workers = Array.from({ length: STARTS }, (_, i) => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER, JSON.stringify(options), ticket, `hotfix/${ticket}-${i}`], {
      cwd: REPO,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      const onData = () => out.includes("ready\n") && resolve();
      child.stdout.on("data", onData);
      child.on("close", () => reject(new Error(`worker ended before ready:\n${err}`)));
    });
    const done = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    return { child, ready, done, out: () => out, err: () => err };
  });
  try {
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin.write("go\n");
    const codes = await Promise.all(workers.map((w) => w.done));
    return workers.map((w, i) => {
      expect(codes[i], w.err()).toBe(0);
      return JSON.parse(
        w
          .out()
          .split("\n")
          .find((l) => l.startsWith("{"))!,
      );
    });
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  }
}

for (const backend of BACKENDS) {
  describe(`one start per ticket (${backend.name})`, () => {
    let h: BackendHandle;
    const stores: Store[] = [];
    beforeEach(async () => {
      h = await backend.setup();
      // Migrated once up front, so the racers only race to start.
      stores.push(await openStore(h.options));
    });
    afterEach(async () => {
      for (const s of stores.splice(0)) await s.close();
      await h.cleanup();
    });

    it(`${STARTS} processes start ENG-20 at once: exactly one incident, the others refused as in progress`, async () => {
      const results = await startInProcesses(h.options, "ENG-20");
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => r.code)).toEqual(Array(STARTS - 1).fill("TICKET_IN_PROGRESS"));
      expect((await stores[0]!.listIncidents({ all: true })).filter((i) => i.ticket === "ENG-20")).toHaveLength(1);
    });

    it(`${STARTS} store instances start ENG-21 at once: exactly one; after it is resolved, it may start again`, async () => {
      for (let i = 1; i < STARTS; i++) stores.push(await openStore(h.options));
      const settled = await Promise.allSettled(
        stores.map((s, i) => s.createIncident(newIncident({ ticket: "ENG-21", branch: `hotfix/ENG-21-${i}` }), event("incident.started"))),
      );
      const won = settled.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const r of settled) if (r.status === "rejected") expect(isFirebreakError(r.reason) && r.reason.code).toBe("TICKET_IN_PROGRESS");
      const first = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<Store["createIncident"]>>>).value;
      const refused = settled.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(String(refused.reason.message)).toContain(`ENG-21 is already in progress on ${first.branch}`);

      await stores[0]!.updateIncident(first.id, { status: "resolved" }, event("note", { text: "resolved" }));
      const again = await stores[1]!.createIncident(
        newIncident({ ticket: "ENG-21", branch: "hotfix/ENG-21-again" }),
        event("incident.started"),
      );
      expect(again.id).not.toBe(first.id);
    });
  });
}
