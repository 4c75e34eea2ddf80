// `firebreak serve` as a real process on a free port: --init-admin, token commands, health,
// readiness, metrics, JSON logs with request ids and no secrets, a graceful SIGTERM and the audit
// log's verification; then two replicas on one fresh PostgreSQL database, migrating at once.

import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, firebreak } from "../helpers/cli.js";
import { openServerStore } from "../../src/store/open-server-store.js";
import { freshPgDatabase, openStorage, seedIncident } from "./fixture.js";
import { notes, readSse } from "./sse-reader.js";

interface Running {
  child: ChildProcess;
  url: string;
  logs: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/** Starts `firebreak serve --port 0` and waits for its "listening" log line (bounded). */
function serve(cwd: string, args: string[], env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}\n${err}`)), 30_000);
    child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve({ child, url: JSON.parse(line).url, logs: () => out, exited });
      }
    });
    child.on("exit", () => reject(new Error(`serve exited:\n${out}\n${err}`)));
  });
}

describe("firebreak serve as a process (SQLite)", () => {
  it("creates the first admin once, serves the API with JSON logs, stops on SIGTERM, and keeps a verifiable audit log", async () => {
    const s = await openStorage("sqlite");
    const dir = s.sqlitePath.replace(/\/server\.db$/, "");
    const inc = await seedIncident(s.storage);
    await s.storage.close();
    const data = ["--data", s.sqlitePath];
    try {
      const init = await firebreak(dir, ["serve", "--init-admin", "--json", ...data]);
      expect(init.code, init.stderr).toBe(0);
      const admin = init.json().token as string;
      expect(admin).toMatch(/^fbk_[A-Za-z0-9_-]{43}$/);
      const again = await firebreak(dir, ["serve", "--init-admin", ...data]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain("firebreak token create");

      const created = await firebreak(dir, ["token", "create", "--name", "rita", "--role", "responder", "--json", ...data]);
      expect(created.code, created.stderr).toBe(0);
      const rita = created.json().token as string;

      const srv = await serve(dir, data, {});
      expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${srv.url}/readyz`)).json()).toEqual({ ready: true });
      const auth = { authorization: `Bearer ${rita}`, "content-type": "application/json", "x-request-id": "req-proof-1" };
      const note = await fetch(`${srv.url}/incidents/${inc.id}/notes`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ text: "seen on the server" }),
      });
      expect(note.status).toBe(200);
      expect(note.headers.get("x-request-id")).toBe("req-proof-1");
      expect((await fetch(`${srv.url}/incidents`)).status).toBe(401);
      const metrics = await (await fetch(`${srv.url}/metrics`)).text();
      expect(metrics).toMatch(/firebreak_http_requests_total\{method="POST",route="\/incidents\/:id\/notes",status="200"\} 1/);
      expect(metrics).toContain("firebreak_events_written_total 1");

      srv.child.kill("SIGTERM");
      expect(await srv.exited).toBe(0);
      const lines = srv
        .logs()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      const logged = lines.find((l) => l.requestId === "req-proof-1");
      expect(logged).toMatchObject({ level: "info", msg: "request", method: "POST", status: 200, actor: "rita" });
      expect(srv.logs()).not.toContain(rita);
      expect(srv.logs()).not.toContain(admin);
      expect(lines.at(-1)?.msg).toBe("stopped");

      const list = await firebreak(dir, ["token", "list", ...data]);
      expect(list.code).toBe(0);
      expect(list.stdout).toContain("rita");
      expect(list.stdout).not.toContain(rita);
      const id = list.stdout.match(/(tok_[0-9a-f]+)\s+rita/)![1]!;
      expect((await firebreak(dir, ["token", "revoke", id, ...data])).code).toBe(0);

      const audit = await firebreak(dir, ["audit", ...data]);
      expect(audit.stdout).toMatch(/token\.created/);
      expect(audit.stdout).toMatch(/token\.revoked/);
      const verify = await firebreak(dir, ["audit", "--verify", "--json", ...data]);
      expect(verify.code, verify.stderr).toBe(0);
      expect(verify.json()).toMatchObject({ ok: true, checked: 3 });

      // An edit behind the server's back breaks the chain: exit 8 (record tampered).
      const { default: Sqlite } = await import("better-sqlite3");
      const db = new Sqlite(s.sqlitePath);
      db.prepare("update audit_log set actor = 'mallory' where seq = 2").run();
      db.close();
      const tampered = await firebreak(dir, ["audit", "--verify", ...data]);
      expect(tampered.code).toBe(8);
      expect(tampered.stderr).toContain("edited at entry 2");
    } finally {
      await s.cleanup().catch(() => undefined);
    }
  });
});

describe("two replicas on one PostgreSQL database", () => {
  it("migrate at once without a conflict, and a write through one is read through the other", async () => {
    const db = await freshPgDatabase();
    try {
      // The poll is made too slow to matter: only LISTEN/NOTIFY can bring replica a's write to b's stream in time.
      const env = { FIREBREAK_DATABASE_URL: db.url, FIREBREAK_SSE_POLL_MS: "600000" };
      const [a, b] = await Promise.all([serve("/tmp", [], env), serve("/tmp", [], env)]);
      for (const r of [a, b]) expect(await (await fetch(`${r.url}/readyz`)).json()).toEqual({ ready: true });
      const init = await firebreak("/tmp", ["serve", "--init-admin", "--json"], { env });
      expect(init.code, init.stderr).toBe(0);
      const admin = init.json().token as string;
      const storage = await openServerStore({ postgresUrl: db.url });
      const inc = await seedIncident(storage);
      await storage.close();
      const h = { authorization: `Bearer ${admin}`, "content-type": "application/json" };
      const stream = await fetch(`${b.url}/events`, { headers: { authorization: `Bearer ${admin}` } });
      expect(stream.status).toBe(200);
      let subscribed: () => void = () => undefined;
      const ready = new Promise<void>((r) => (subscribed = r));
      const received = readSse(
        stream,
        (m) => notes(m).includes("via replica a"),
        20_000,
        (c) => c === "ready" && subscribed(),
      );
      await ready; // b's stream is subscribed before a writes
      // A client still connected when SIGTERM arrives is drained, not waited on forever.
      const lingering = await fetch(`${a.url}/events`, { headers: { authorization: `Bearer ${admin}` } });
      expect(lingering.status).toBe(200);
      expect(
        (await fetch(`${a.url}/incidents/${inc.id}/notes`, { method: "POST", headers: h, body: JSON.stringify({ text: "via replica a" }) }))
          .status,
      ).toBe(200);
      const tl = (await (await fetch(`${b.url}/incidents/${inc.id}/timeline`, { headers: h })).json()) as {
        events: { kind: string; data: { text?: string } }[];
      };
      expect(tl.events.map((e) => e.data.text).filter(Boolean)).toEqual(["via replica a"]);
      expect(notes(await received)).toEqual(["via replica a"]);
      for (const r of [a, b]) r.child.kill("SIGTERM");
      expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    } finally {
      await db.drop();
    }
  });
});
