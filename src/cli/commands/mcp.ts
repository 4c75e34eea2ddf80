// firebreak mcp [--toolsets a,b] [--allow a,b]: the agent interface on stdio. stdout carries the
// protocol, so nothing else is written there; the server ends when the client closes stdin.

import type { CommandInput } from "../run-command.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { AgentApp } from "../../mcp/agent-app.js";
import { createMcpServer, selectTools } from "../../mcp/server.js";
import { DEFAULT_TOOLSETS, TOOLSETS, isToolset, type Toolset } from "../../mcp/toolsets.js";
import { E } from "../../errors.js";
import { splitList } from "../format.js";

function toolsets(raw: unknown, flag: string, all: readonly Toolset[]): Toolset[] {
  if (raw === undefined) return [...all];
  const names = splitList(raw);
  const bad = names.filter((n) => !isToolset(n));
  if (bad.length > 0)
    throw E.usage(`${flag} ${bad.join(",")}: the toolsets are ${TOOLSETS.join(", ")}.`, `firebreak mcp ${flag} incident,fix`);
  return names as Toolset[];
}

export async function run({ app, opts }: CommandInput): Promise<number> {
  const listed = toolsets(opts.toolsets, "--toolsets", DEFAULT_TOOLSETS);
  const allow = toolsets(opts.allow, "--allow", []);
  // A server with nothing to offer is a mistake in the flags, said before a client waits on it.
  if (selectTools(listed, allow).length === 0)
    throw E.usage(
      `--toolsets ${listed.join(",")} lists no tool${allow.length === 0 ? " without --allow (its tools all change something)" : ""}.`,
      `firebreak mcp --toolsets ${listed.join(",")} --allow ${listed.join(",")}`,
    );
  const agent = new AgentApp({ cwd: app.cwd, db: typeof opts.db === "string" ? opts.db : undefined });
  const server = createMcpServer({ app: agent, toolsets: listed, allow, version: "0.1.0" });
  const closed = new Promise<void>((resolve) => {
    const stop = server.server.onclose;
    server.server.onclose = () => {
      stop?.();
      resolve();
    };
  });
  await server.connect(new StdioServerTransport());
  // The client closing its end is the end of the session.
  process.stdin.once("end", () => void server.close());
  await closed;
  await agent.close().catch(() => undefined);
  return 0;
}
