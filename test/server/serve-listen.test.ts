// `firebreak serve` on a port another process holds says so (no stack trace) and closes the store;
// and close() ends even while clients hold connections open: an idle keep-alive connection, and one
// that sent half a request and went quiet.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFirebreakError } from "../../src/errors.js";
import { silentLogger } from "../../src/server/log.js";
import { startServer } from "../../src/server/serve.js";
import { firebreak } from "../helpers/cli.js";

let dir = "";
let holder: net.Server;
let port = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "firebreak-serve-listen-"));
  holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, "127.0.0.1", () => r()));
  port = (holder.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => holder.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves with what the promise gave, or "still waiting" once the bound passes (a hang). */
const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<"still waiting">((r) => setTimeout(() => r("still waiting"), ms).unref())]);

describe("firebreak serve on a port in use", () => {
  it("the CLI says the port is in use and what to do, without a stack trace", async () => {
    const r = await firebreak(dir, ["serve", "--host", "127.0.0.1", "--port", String(port), "--data", join(dir, "cli.db")]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`Port ${port} on 127.0.0.1 is in use`);
    expect(r.stderr).toContain("--port 0");
    expect(r.stderr).not.toContain("Unhandled 'error' event");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("startServer rejects with SERVER_LISTEN_FAILED and leaves the store closed", async () => {
    const file = join(dir, "inproc.db");
    const err = await startServer({ env: {}, sqlitePath: file, host: "127.0.0.1", port, log: silentLogger }).catch((e: unknown) => e);
    expect(isFirebreakError(err) && err.code).toBe("SERVER_LISTEN_FAILED");
    // SQLite removes the write-ahead log when the last connection closes.
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});

describe("close() while clients hold connections", () => {
  it("ends with an idle keep-alive connection and a half-sent request open", async () => {
    const server = await startServer({
      env: {},
      sqlitePath: join(dir, "close.db"),
      host: "127.0.0.1",
      port: 0,
      log: silentLogger,
      closeGraceMs: 300,
    });
    const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(`${server.url}/healthz`, { agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        })
        .on("error", reject);
    });
    expect(status).toBe(200);
    const { port: p } = new URL(server.url);
    const slow = net.connect(Number(p), "127.0.0.1");
    await new Promise<void>((r) => slow.once("connect", () => r()));
    slow.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const slowClosed = new Promise<void>((r) => slow.once("close", () => r()));
    slow.on("error", () => undefined);
    try {
      expect(await within(server.close(), 20_000)).toBeUndefined();
      await slowClosed;
    } finally {
      agent.destroy();
      slow.destroy();
    }
  });
});
