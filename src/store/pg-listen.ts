// Cross-replica wake-ups on PostgreSQL: a replica that writes an event sends NOTIFY with the
// event's ids only (a payload is limited to 8,000 bytes, and a row may hold secrets masked or not
// yet visible to everyone); every replica LISTENs on one dedicated connection and, woken, reads the
// rows itself through the same visibility filter as any read.
//
// The listening connection is re-opened when it drops (a database restart, a failover, an idle
// timeout in a pooler): until it is back, the live feed still polls, so events arrive within the
// poll interval instead of at once. On re-connecting it wakes the feed once, for anything sent
// while it was away.

import pg from "pg";

export const EVENTS_CHANNEL = "firebreak_events";

export interface Listener {
  close(): Promise<void>;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;

export async function pgListen(url: string, onPayload: (payload: string) => void, onError: (e: Error) => void): Promise<Listener> {
  let closed = false;
  let client: pg.Client | undefined;
  let retryMs = RETRY_MIN_MS;
  let timer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url });
    c.on("notification", (m) => {
      if (m.channel === EVENTS_CHANNEL) onPayload(m.payload ?? "");
    });
    let dropped = false;
    const drop = (e: Error) => {
      if (dropped || closed) return;
      dropped = true;
      onError(e);
      c.end().catch(() => undefined);
      if (client === c) client = undefined;
      retry();
    };
    c.on("error", drop);
    c.on("end", () => drop(new Error("the LISTEN connection ended")));
    try {
      await c.connect();
      await c.query(`listen ${EVENTS_CHANNEL}`);
    } catch (e) {
      dropped = true; // the caller (or retry) handles this failure; the handlers stay quiet
      c.end().catch(() => undefined);
      throw e;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    retryMs = RETRY_MIN_MS;
  }

  function retry(): void {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      connect()
        .then(() => onPayload("")) // catch up on what was sent while the connection was down
        .catch((e: Error) => {
          onError(e);
          retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
          retry();
        });
    }, retryMs);
    timer.unref();
  }

  await connect(); // the first connection's failure is the caller's to report
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
