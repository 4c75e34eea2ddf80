// Subscribable resources: a client subscribed to an incident's record, timeline or checklist is
// told when new events land, whether the agent's own tools wrote them or a person at the CLI did
// (the record is polled while anything is subscribed, and checked after every tool call).

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Store } from "../ports.js";

const TICKET_OF = /^firebreak:\/\/incident\/([^/]+)/;

export interface Subscriptions {
  /** Look for new events now (after a tool call). */
  poke(): void;
  stop(): void;
}

export function serveSubscriptions(server: McpServer, store: () => Promise<Store>, everyMs = 1000): Subscriptions {
  const seen = new Map<string, string>();
  server.server.registerCapabilities({ resources: { subscribe: true } });

  /** What the resource's content follows: the incident's last event. */
  const mark = async (uri: string): Promise<string> => {
    const ticket = TICKET_OF.exec(uri)?.[1];
    if (!ticket) return "";
    const s = await store();
    const incident = (await s.listIncidents({ all: true })).find((i) => i.ticket === decodeURIComponent(ticket));
    if (!incident) return "";
    const last = (await s.timeline(incident.id)).at(-1);
    return `${incident.status}:${last?.seq ?? 0}`;
  };

  server.server.setRequestHandler(SubscribeRequestSchema, async (req) => {
    seen.set(req.params.uri, await mark(req.params.uri));
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
    seen.delete(req.params.uri);
    return {};
  });

  let running = false;
  const check = async () => {
    if (running || seen.size === 0) return;
    running = true;
    try {
      for (const [uri, before] of seen) {
        const now = await mark(uri);
        if (now === before) continue;
        seen.set(uri, now);
        await server.server.sendResourceUpdated({ uri });
      }
    } catch {
      // A record briefly unreadable (a writer holds it) is read again at the next turn.
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  return { poke: () => void check(), stop: () => clearInterval(timer) };
}
