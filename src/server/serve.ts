// Runs the team server: opens the store (PostgreSQL when FIREBREAK_DATABASE_URL is set, else a
// SQLite file), migrates it, listens, and stops gracefully: readiness fails first, then the
// listener closes and in-flight requests finish before the store is closed.

import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
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
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port }, () => resolve(s));
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === "IPv6" ? `[${addr.address}]` : addr.address}:${addr.port}`;
  opts.log.info("listening", { url, storage: storage.kind });
  return {
    url,
    storage,
    async close() {
      draining = true;
      // SSE streams never end on their own: end them first, or the listener would wait forever.
      await drain();
      await listener.close();
      // close() stops accepting and resolves once every in-flight request has been answered.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await storage.close();
      opts.log.info("stopped");
    },
  };
}
