// npm run bench:server: the team server as a real process (`firebreak serve`, built into dist/) on a
// fresh PostgreSQL database created and dropped by this bench on 127.0.0.1:5432.
//   (a) one replica: 200 SSE viewers (GET /events) and 20 writers (POST notes) for --seconds:
//       write p50/p99, event-to-viewer p50/p99 (from the write's response to each viewer receiving
//       that event, found by a unique marker in the note), errors, the server's RSS;
//   (b) two replicas on one database, writers on A and viewers on B: cross-replica delivery p50/p99;
//   (c) the baseline, in the same run and from the same client process: GET /healthz p50/p99, idle
//       and while (a) runs, so the figures read as ratios on whatever machine runs them.
// Goals: event-to-viewer p99 <= 1 s, write p99 <= 100 ms, errors 0.
// Every process and the database it starts are removed at the end, on an error and on Ctrl-C.
//
// Flags: --seconds N (60), --viewers N (200), --writers N (20), --write-interval-ms N (500: each
// writer's pace; 20 writers at 500 ms is 40 notes a second, 8,000 deliveries a second to 200
// viewers), --incidents N (5: the writers take turns on them, so a few write to each incident at
// once, which serializes on the incident's row lock), --profile DIR (a V8 CPU profile of each replica, written when it stops), --pg URL (postgres://postgres@127.0.0.1:5432/postgres, the admin connection).

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { event } from "../src/domain/events/index.js";
import { issueToken } from "../src/server/tokens.js";
import { openServerStore } from "../src/store/open-server-store.js";

const { values: flags } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    viewers: { type: "string", default: "200" },
    writers: { type: "string", default: "20" },
    incidents: { type: "string", default: "5" },
    "write-interval-ms": { type: "string", default: "500" },
    profile: { type: "string" },
    pg: { type: "string", default: process.env.FIREBREAK_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});
const SECONDS = Number(flags.seconds);
const VIEWERS = Number(flags.viewers);
const WRITERS = Number(flags.writers);
const INTERVAL = Number(flags["write-interval-ms"]);
const PG_ADMIN = String(flags.pg);
const GOALS = { eventP99: 1000, writeP99: 100, errors: 0 };

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(root, "dist", "firebreak.js");

// --- cleanup: every process and the database, whatever ends the run ----------------------------

const children = new Set<ChildProcess>();
const workers = new Set<Worker>();
let dbName: string | undefined;
let workDir: string | undefined;
let cleaning: Promise<void> | undefined;
/** Replicas that exited while the bench ran (each one an error in the report). */
const died: string[] = [];

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once("exit", () => r()));
  c.kill("SIGTERM");
  const t = setTimeout(() => c.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(t);
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...workers].map((w) => w.terminate()));
    await Promise.all([...children].map(stopChild));
    if (dbName) {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
      console.error(`dropped database ${dbName}`);
    }
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  })();
  return cleaning;
}

// A bench that fails half-way still removes what it started.
process.on("uncaughtException", (e) => {
  console.error(e);
  void cleanup().finally(() => process.exit(1));
});
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.once(sig, () => {
    console.error(`\n${sig}: stopping the servers and dropping the database…`);
    void cleanup().finally(() => process.exit(130));
  });

// --- figures -----------------------------------------------------------------------------------

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
const ms = (x: number) => (Number.isNaN(x) ? "n/a" : `${x.toFixed(1)} ms`);
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

// --- the servers -------------------------------------------------------------------------------

interface Server {
  child: ChildProcess;
  url: string;
  rssKb(): number;
  /** CPU seconds the process has used (user + system): the server's cost, whatever else runs on the machine. */
  cpuSeconds(): number;
  /** The notes' times in the server's request log since the last call (whole milliseconds). */
  writesMs(): number[];
}

function serve(url: string, name: string): Promise<Server> {
  const prof = flags.profile ? ["--cpu-prof", `--cpu-prof-dir=${flags.profile}`] : [];
  const child = spawn(process.execPath, [...prof, CLI, "serve", "--port", "0", "--rate-limit", "100000"], {
    cwd: workDir,
    env: { ...process.env, NO_COLOR: "1", FIREBREAK_DATABASE_URL: url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let out = "";
  let err = "";
  let listening = false;
  const writesMs: number[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica ${name} did not start:\n${out}\n${err}`)), 30_000);
    child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const cut = out.lastIndexOf("\n");
      if (cut < 0) return;
      const lines = out.slice(0, cut).split("\n");
      out = out.slice(cut + 1);
      for (const line of lines) {
        // The server's own time for each note (its request log), beside the time the client saw.
        if (line.includes('"route":"/incidents/:id/notes"')) writesMs.push(Number(JSON.parse(line).ms));
        else if (!listening && line.includes('"msg":"listening"')) {
          listening = true;
          clearTimeout(timer);
          resolve({
            child,
            url: JSON.parse(line).url,
            writesMs: () => writesMs.splice(0),
            cpuSeconds: () => {
              if (child.exitCode !== null || child.signalCode !== null) return Number.NaN;
              const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
              return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
            },
            rssKb: () => {
              if (child.exitCode !== null || child.signalCode !== null) return Number.NaN;
              const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
              return m ? Number(m[1]) : Number.NaN;
            },
          });
        }
      }
    });
    child.on("exit", (code, signal) => {
      children.delete(child);
      const why = `replica ${name} exited (${code ?? signal}) ${listening ? "during the run" : "before listening"}:\n${err.slice(-2000)}`;
      if (!listening) reject(new Error(why));
      else if (!cleaning) died.push(why);
    });
  });
}

// --- the clients -------------------------------------------------------------------------------

interface Run {
  writeMs: number[];
  deliveryMs: number[];
  healthMs: number[];
  /** A bare PostgreSQL write transaction (begin, insert, commit) on its own connection, beside the load. */
  commitMs: number[];
  errors: string[];
  delivered: number;
  expected: number;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across threads. */
const now = () => performance.timeOrigin + performance.now();

interface ViewerJob {
  viewUrl: string;
  tokens: string[];
  runId: string;
}
type FromViewers = { type: "ready" } | { type: "arrivals"; list: [string, number][] } | { type: "done"; errors: string[] };

/**
 * Writers post notes on `writeUrl`, viewers read /events on `viewUrl`. Each note carries a marker;
 * a delivery's latency is its arrival minus the time the write's response came back (0 when the
 * event arrived first: the server wakes its feed before it answers).
 */
async function load(opts: {
  writeUrl: string;
  viewUrl: string;
  incidents: string[];
  writerTokens: string[];
  viewerTokens: string[];
  seconds: number;
  probeHealth: boolean;
  dbUrl?: string;
}): Promise<Run> {
  const r: Run = { writeMs: [], deliveryMs: [], healthMs: [], commitMs: [], errors: [], delivered: 0, expected: 0 };
  const answered = new Map<string, number>(); // marker → time the write's response arrived
  const early = new Map<string, number[]>(); // marker → arrivals seen before the response
  // A marker is bench-m-<run>-<n>: the run a number, so the pattern stays simple.
  const runId = String(Number.parseInt(randomBytes(3).toString("hex"), 16));

  const arrive = (marker: string, t: number) => {
    r.delivered++;
    const at = answered.get(marker);
    if (at === undefined) (early.get(marker) ?? early.set(marker, []).get(marker)!).push(t);
    else r.deliveryMs.push(Math.max(0, t - at));
  };

  // Viewers: connect all and wait for each stream's ": ready" before writing starts.
  const worker = new Worker(new URL("./server-viewers.mjs", import.meta.url), {
    workerData: { viewUrl: opts.viewUrl, tokens: opts.viewerTokens, runId } satisfies ViewerJob,
  });
  workers.add(worker);
  let viewersReady!: () => void;
  const ready = new Promise<void>((res) => (viewersReady = res));
  let viewersDone!: () => void;
  const finished = new Promise<void>((res) => (viewersDone = res));
  worker.on("message", (m: FromViewers) => {
    if (m.type === "ready") viewersReady();
    else if (m.type === "arrivals") for (const [marker, t] of m.list) arrive(marker, t);
    else {
      r.errors.push(...m.errors);
      viewersDone();
    }
  });
  worker.on("error", (e) => {
    r.errors.push(`viewers: ${e.message}`);
    viewersReady();
    viewersDone();
  });
  await ready;

  const until = performance.now() + opts.seconds * 1000;
  let n = 0;
  const writers = opts.writerTokens.map(async (tok, w) => {
    // Spread the writers over one interval so they do not all fire together.
    await sleep((w * INTERVAL) / opts.writerTokens.length);
    while (performance.now() < until) {
      const next = performance.now() + INTERVAL;
      const marker = `bench-m-${runId}-${n++}`;
      const incident = opts.incidents[w % opts.incidents.length]!;
      const t0 = now();
      try {
        const res = await fetch(`${opts.writeUrl}/incidents/${incident}/notes`, {
          method: "POST",
          headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" },
          body: JSON.stringify({ text: `load note ${marker}` }),
        });
        await res.arrayBuffer();
        const t1 = now();
        if (res.status !== 200) r.errors.push(`writer ${w}: POST notes ${res.status}`);
        else {
          r.writeMs.push(t1 - t0);
          r.expected += opts.viewerTokens.length;
          answered.set(marker, t1);
          for (const t of early.get(marker) ?? []) r.deliveryMs.push(Math.max(0, t - t1));
          early.delete(marker);
        }
      } catch (e) {
        r.errors.push(`writer ${w}: ${(e as Error).message}`);
      }
      await sleep(Math.max(0, next - performance.now()));
    }
  });
  const prober = (async () => {
    if (!opts.probeHealth) return;
    while (performance.now() < until) {
      r.healthMs.push(await timedHealth(opts.writeUrl, r.errors));
      await sleep(100);
    }
  })();
  const dbProber = (async () => {
    if (!opts.dbUrl) return;
    const c = new pg.Client({ connectionString: opts.dbUrl });
    c.on("error", (e) => cleaning || r.errors.push(`PostgreSQL probe: ${e.message}`)); // a Ctrl-C drops the database under it
    await c.connect();
    await c.query("create table if not exists bench_probe (at text not null, note text not null)");
    try {
      while (performance.now() < until) {
        const t0 = performance.now();
        await c.query("begin");
        await c.query("insert into bench_probe values ($1, $2)", [new Date().toISOString(), "probe"]);
        await c.query("commit");
        r.commitMs.push(performance.now() - t0);
        await sleep(100);
      }
    } finally {
      await c.end();
    }
  })();
  await Promise.all([...writers, prober, dbProber]);
  // Let the last events reach every viewer (bounded), then hang up.
  const settle = performance.now() + 5_000;
  while (r.delivered < r.expected && performance.now() < settle) await sleep(50);
  worker.postMessage("stop");
  await finished;
  await worker.terminate();
  workers.delete(worker);
  const lost = r.expected - r.delivered;
  if (lost > 0) r.errors.push(`${lost} deliveries did not arrive within 5 s of the last write`);
  return r;
}

async function timedHealth(url: string, errors: string[]): Promise<number> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    if (res.status !== 200) errors.push(`GET /healthz ${res.status}`);
  } catch (e) {
    errors.push(`GET /healthz: ${(e as Error).message}`);
  }
  return performance.now() - t0;
}

/** The baseline at rest: /healthz from as many clients as there are writers, at the writers' pace. */
async function idleHealth(url: string, seconds: number, errors: string[]): Promise<number[]> {
  const out: number[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      await sleep((w * INTERVAL) / WRITERS);
      while (performance.now() < until) {
        const next = performance.now() + INTERVAL;
        out.push(await timedHealth(url, errors));
        await sleep(Math.max(0, next - performance.now()));
      }
    }),
  );
  return out;
}

// --- main --------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error("dist/firebreak.js is missing: run `npm run bench:server` (it builds first)");
  workDir = mkdtempSync(join(tmpdir(), "firebreak-bench-server-"));
  dbName = `fbbench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const pgVersion = (await admin.query("show server_version")).rows[0].server_version as string;
  await admin.end();
  const u = new URL(PG_ADMIN);
  u.pathname = `/${dbName}`;
  const dbUrl = u.toString();

  // Tokens and incidents straight in the database, as an operator and the CLI write them.
  const s = await openServerStore({ postgresUrl: dbUrl });
  const incidents: string[] = [];
  for (let i = 0; i < Number(flags.incidents); i++) {
    const at = new Date().toISOString();
    const inc = await s.store.createIncident(
      {
        ticket: `BENCH-${i + 1}`,
        title: `bench incident ${i + 1}`,
        priority: "P1",
        criteria: ["production-unavailable"],
        discoveredAt: at,
        deadlineAt: at,
        branch: `hotfix/BENCH-${i + 1}`,
        base: "main",
        remote: "origin",
      },
      { at, actor: "bench", ...event("incident.started", { priority: "P1", criteria: ["production-unavailable"], summary: "started" }) },
    );
    incidents.push(inc.id);
  }
  const issue = async (name: string, role: "viewer" | "responder") =>
    (await issueToken(s.records, { name, role, kind: "service" }, "bench", new Date())).secret;
  const writerTokens: string[] = [];
  for (let w = 0; w < WRITERS; w++) writerTokens.push(await issue(`writer-${w}`, "responder"));
  const viewerTokens: string[] = [];
  for (let v = 0; v < VIEWERS; v++) viewerTokens.push(await issue(`viewer-${v}`, "viewer"));
  await s.close();

  console.log(
    `firebreak serve on PostgreSQL ${pgVersion}, ${VIEWERS} viewers, ${WRITERS} writers (one note every ${INTERVAL} ms each) on ${flags.incidents} incidents, ${SECONDS} s a phase`,
  );

  // (a) one replica
  const a = await serve(dbUrl, "A");
  const baseErrors: string[] = [];
  const idle = await idleHealth(a.url, Math.min(10, SECONDS), baseErrors);
  const rss: number[] = [];
  const rssTimer = setInterval(() => Number.isFinite(a.rssKb()) && rss.push(a.rssKb()), 1000);
  const cpuA0 = a.cpuSeconds();
  const one = await load({
    writeUrl: a.url,
    viewUrl: a.url,
    incidents,
    writerTokens,
    viewerTokens,
    seconds: SECONDS,
    probeHealth: true,
    dbUrl,
  });
  clearInterval(rssTimer);
  if (Number.isFinite(a.rssKb())) rss.push(a.rssKb());
  const cpuA = a.cpuSeconds() - cpuA0;
  const serverW = a.writesMs();

  // (b) two replicas on the same database: writers on A, viewers on B.
  const b = await serve(dbUrl, "B");
  const cpuB0 = [a.cpuSeconds(), b.cpuSeconds()];
  a.writesMs();
  const two = await load({ writeUrl: a.url, viewUrl: b.url, incidents, writerTokens, viewerTokens, seconds: SECONDS, probeHealth: false });

  const cpuB = [a.cpuSeconds() - cpuB0[0]!, b.cpuSeconds() - cpuB0[1]!];
  const idleP50 = pct(idle, 50);
  const idleP99 = pct(idle, 99);
  const loadP99 = pct(one.healthMs, 99);
  const wP50 = pct(one.writeMs, 50);
  const wP99 = pct(one.writeMs, 99);
  const eP50 = pct(one.deliveryMs, 50);
  const eP99 = pct(one.deliveryMs, 99);
  const xP50 = pct(two.deliveryMs, 50);
  const xP99 = pct(two.deliveryMs, 99);
  const errors = [...died, ...baseErrors, ...one.errors, ...two.errors];
  const ratio = (x: number, base: number) => `${(x / base).toFixed(1)}× /healthz idle p99`;
  const lines = [
    `machine load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${cpus().length} cores at the end (others' work counts in every latency; CPU seconds do not)`,
    "",
    "baseline (same run, same client)",
    `  GET /healthz idle       p50 ${ms(idleP50)}   p99 ${ms(idleP99)}   (${idle.length} requests)`,
    `  PostgreSQL commit (a)   p50 ${ms(pct(one.commitMs, 50))}   p99 ${ms(pct(one.commitMs, 99))}   (begin, insert, commit on a connection of its own, during (a))`,
    `  GET /healthz under (a)  p50 ${ms(pct(one.healthMs, 50))}   p99 ${ms(loadP99)}   (${one.healthMs.length} requests)`,
    "",
    "(a) one replica",
    `  writes                  p50 ${ms(wP50)}   p99 ${ms(wP99)}   (${one.writeMs.length} notes; ${ratio(wP99, idleP99)}, ${(wP99 / pct(one.commitMs, 99)).toFixed(1)}× the bare commit p99)   goal p99 <= ${GOALS.writeP99} ms: ${verdict(wP99 <= GOALS.writeP99)}`,
    `  writes at the server    p50 ${ms(pct(serverW, 50))}   p99 ${ms(pct(serverW, 99))}   (its request log: the time in the server, without the client's and the network's)`,
    `  event to viewer         p50 ${ms(eP50)}   p99 ${ms(eP99)}   (${one.deliveryMs.length} deliveries of ${one.expected})   goal p99 <= ${GOALS.eventP99} ms: ${verdict(eP99 <= GOALS.eventP99)}`,
    `  server RSS              peak ${(Math.max(...rss) / 1024).toFixed(0)} MiB, end ${(rss.at(-1)! / 1024).toFixed(0)} MiB`,
    `  server CPU              ${cpuA.toFixed(1)} s in ${SECONDS} s (${((100 * cpuA) / SECONDS).toFixed(0)}% of a core; ${((1000 * cpuA) / Math.max(1, one.delivered)).toFixed(3)} ms a delivery)`,
    "",
    "(b) two replicas, writers on A, viewers on B",
    `  writes                  p50 ${ms(pct(two.writeMs, 50))}   p99 ${ms(pct(two.writeMs, 99))}   (${two.writeMs.length} notes)`,
    `  server CPU              A ${cpuB[0]!.toFixed(1)} s, B ${cpuB[1]!.toFixed(1)} s in ${SECONDS} s`,
    `  cross-replica delivery  p50 ${ms(xP50)}   p99 ${ms(xP99)}   (${two.deliveryMs.length} deliveries of ${two.expected})   goal p99 <= ${GOALS.eventP99} ms: ${verdict(xP99 <= GOALS.eventP99)}`,
    "",
    `errors                    ${errors.length}   goal ${GOALS.errors}: ${verdict(errors.length === GOALS.errors)}`,
    ...[...new Set(errors)].slice(0, 10).map((e) => `  ${e}`),
  ];
  console.log(lines.join("\n"));
  process.exitCode = errors.length === 0 && wP99 <= GOALS.writeP99 && eP99 <= GOALS.eventP99 && xP99 <= GOALS.eventP99 ? 0 : 1;
}

try {
  await main();
} catch (e) {
  if (!cleaning) console.error((e as Error).message); // after Ctrl-C, what failed is what was being removed
  process.exitCode = 1;
} finally {
  await cleanup();
}
