// Several processes appending to one incident at once must queue, not race: one timeline,
// seq 1..N with no gap or duplicate, and a chain that verifies.

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/ports.js";
import { BACKENDS, event, newIncident, type BackendHandle } from "./backends.js";

const WORKER = fileURLToPath(new URL("./append-worker.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../..", import.meta.url));
const WRITERS = 2;
const EACH = 150;

interface Worker {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

function startWorker(options: unknown, incidentId: string, actor: string): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, JSON.stringify(options), incidentId, String(EACH), actor], {
    cwd: REPO,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const w: Worker = {
    child,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => child.on("close", (code) => resolve(code))),
  };
  child.stdout.on("data", (b: Buffer) => (w.stdout += b.toString("utf8")));
  child.stderr.on("data", (b: Buffer) => (w.stderr += b.toString("utf8")));
  return w;
}

async function until(check: () => boolean, what: () => string, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(BACKENDS)("concurrent writers on $name", (factory) => {
  let handle: BackendHandle;
  let store: Store;
  let workers: Worker[] = [];

  beforeEach(async () => {
    handle = await factory.setup();
    store = await openStore(handle.options);
  });
  afterEach(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
    await Promise.all(workers.map((w) => w.exited));
    workers = [];
    await store?.close();
    await handle?.cleanup();
  });

  it(`${WRITERS} processes appending ${EACH} events each to one incident get one gapless, verified timeline`, {
    timeout: 120_000,
  }, async () => {
    const inc = await store.createIncident(newIncident(), event("incident.started"));
    // The first event is already there; the workers add the rest.
    workers = Array.from({ length: WRITERS }, (_, n) => startWorker(handle.options, inc.id, `writer-${n}`));
    const report = () => workers.map((w, n) => `writer-${n}: ${JSON.stringify(w.stdout)} ${w.stderr.slice(-500)}`).join("\n");

    await until(() => workers.every((w) => w.stdout.includes("ready\n") || w.child.exitCode !== null), report, 60_000);
    for (const w of workers) w.child.stdin.end("go\n");
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(codes, report()).toEqual(workers.map(() => 0));

    const tl = await store.timeline(inc.id);
    const total = 1 + WRITERS * EACH;
    expect(tl).toHaveLength(total);
    expect(tl.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    for (let n = 0; n < WRITERS; n++) {
      // Every writer's events all landed, each once, in the writer's own order.
      const mine = tl.filter((e) => e.actor === `writer-${n}`).map((e) => e.data.i);
      expect(mine).toEqual(Array.from({ length: EACH }, (_, i) => i + 1));
    }
    expect(await store.verifyTimeline(inc.id)).toEqual({ ok: true, checked: total });

    const switches = tl.slice(1).filter((e, i) => i > 0 && e.actor !== tl[i]!.actor).length;
    console.log(`${factory.name}: writers took turns ${switches} times`);
  });
});
