// The SDK's own client, talking to the built CLI's `firebreak mcp` over stdio in a repository.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult, ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { CLI } from "../helpers/cli.js";

export interface Session {
  client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

const open = new Set<Session>();

export async function connect(
  cwd: string,
  flags: string[] = [],
  capabilities: ClientCapabilities = {},
  env: Record<string, string> = {},
): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, "mcp", ...flags],
    cwd,
    env: { ...(process.env as Record<string, string>), NO_COLOR: "1", FIREBREAK_ACTOR: "tester", ...env },
    stderr: "pipe",
  });
  const client = new Client({ name: "firebreak-test", version: "1.0.0" }, { capabilities });
  await client.connect(transport);
  const s: Session = {
    client,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      open.delete(s);
      await client.close();
    },
  };
  open.add(s);
  return s;
}

/** Closes every session a test left open (its server process ends with it). */
export async function closeAll(): Promise<void> {
  await Promise.all([...open].map((s) => s.close()));
}

export const textOf = (r: CallToolResult): string => r.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
