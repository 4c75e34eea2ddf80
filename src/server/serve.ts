// Runs the team server: opens the store (PostgreSQL when FIREBREAK_DATABASE_URL is set, else a
// SQLite file), migrates it, listens, and stops gracefully: readiness fails first, then the
// listener closes and in-flight requests finish before the store is closed.

import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FirebreakError } from "../errors.js";
import { openServerStore, type ServerStore } from "../store/open-server-store.js";
import { createServerApp } from "./app.js";
import type { Logger } from "./log.js";

export interface ServeOptions {
  env: NodeJS.ProcessEnv;
  /** SQLite file used when no PostgreSQL URL is set. */
  sqlitePath: string;
  host: string;
  port: number;
  log: Logger;
  rateLimit?: number;
  /** How long close() lets a busy connection finish before it is cut (default 5 s). */
  closeGraceMs?: number;
}

export interface RunningServer {
  url: string;
  storage: ServerStore;
  close(): Promise<void>;
}

export async function openStorage(env: NodeJS.ProcessEnv, sqlitePath: string): Promise<ServerStore> {
  const url = env.FIREBREAK_DATABASE_URL;
  return url
    ? openServerStore({ postgresUrl: url, ...(env.FIREBREAK_DATABASE_SCHEMA ? { schema: env.FIREBREAK_DATABASE_SCHEMA } : {}) })
    : openServerStore({ sqlitePath });
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const storage = await openStorage(opts.env, opts.sqlitePath);
  let draining = false;
  const pollMs = Number(opts.env.FIREBREAK_SSE_POLL_MS ?? "") || 1000;
  const { app, hub, drain } = createServerApp({
    store: storage.store,
    records: storage.records,
    clock: { now: () => new Date() },
    log: opts.log,
    draining: () => draining,
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
    pollMs,
  });
  // Another replica's write wakes this one's live feed at once (PostgreSQL LISTEN/NOTIFY).
  const listener = await storage.listen(
    () => hub.wake(),
    (e) => opts.log.error("listen connection failed", { error: e.message }),
  );
  let server: Server;
  try {
    server = await listen(app.fetch, opts.host, opts.port);
  } catch (e) {
    // Nothing was started: give back what was opened, then say why in words.
    await listener.close().catch(() => undefined);
    await storage.close().catch(() => undefined);
    throw listenError(e, opts.host, opts.port);
  }
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === "IPv6" ? `[${addr.address}]` : addr.address}:${addr.port}`;
  opts.log.info("listening", { url, storage: storage.kind });
  const graceMs = opts.closeGraceMs ?? 5000;
  return {
    url,
    storage,
    async close() {
      draining = true;
      // SSE streams never end on their own: end them first, or the listener would wait forever.
      await drain();
      await listener.close();
      // close() stops accepting and resolves once every connection has ended. A client's idle
      // keep-alive connection would hold it open for good: idle ones are closed now (and again as
      // requests finish), and whatever is still open after the grace period is cut.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      try {
        await closed;
      } finally {
        clearInterval(idle);
        clearTimeout(cut);
      }
      await storage.close();
      opts.log.info("stopped");
    },
  };
}

/** Listens, resolving once the port is held and rejecting with the listen error (EADDRINUSE…). */
function listen(fetch: Parameters<typeof serve>[0]["fetch"], hostname: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = serve({ fetch, hostname, port }, () => {
      s.off("error", reject);
      resolve(s as Server);
    }) as Server;
    s.once("error", reject);
  });
}

function listenError(e: unknown, host: string, port: number): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const next = `firebreak serve --port <another port>   # or --port 0 for any free one (the address is printed)`;
  if (code === "EADDRINUSE")
    return new FirebreakError({ code: "SERVER_LISTEN_FAILED", message: `Port ${port} on ${host} is in use by another process.`, next });
  if (code === "EACCES")
    return new FirebreakError({
      code: "SERVER_LISTEN_FAILED",
      message: `This user may not listen on port ${port} on ${host} (ports below 1024 need privileges).`,
      next,
    });
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return new FirebreakError({
      code: "SERVER_LISTEN_FAILED",
      message: `${host} is not an address of this machine, so the server cannot listen on it.`,
      next: `firebreak serve --host 127.0.0.1 --port ${port}`,
    });
  return e;
}
