// Cross-replica wake-ups on PostgreSQL: a replica that writes an event sends NOTIFY with the
// event's ids only (a payload is limited to 8,000 bytes, and a row may hold secrets masked or not
// yet visible to everyone); every replica LISTENs on one dedicated connection and, woken, reads the
// rows itself through the same visibility filter as any read.

import pg from "pg";

export const EVENTS_CHANNEL = "firebreak_events";

export interface Listener {
  close(): Promise<void>;
}

export async function pgListen(url: string, onPayload: (payload: string) => void, onError: (e: Error) => void): Promise<Listener> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", onError);
  client.on("notification", (m) => {
    if (m.channel === EVENTS_CHANNEL) onPayload(m.payload ?? "");
  });
  await client.connect();
  await client.query(`listen ${EVENTS_CHANNEL}`);
  return { close: () => client.end().catch(() => undefined) };
}
