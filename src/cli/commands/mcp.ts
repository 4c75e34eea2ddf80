// firebreak mcp [--toolsets a,b] [--allow a,b]: the agent interface on stdio. stdout carries the
// protocol, so nothing else is written there; the server ends when the client closes stdin.

import type { CommandInput } from "../run-command.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { AgentApp } from "../../mcp/agent-app.js";
import { createMcpServer, selectTools } from "../../mcp/server.js";
import { DEFAULT_TOOLSETS, TOOLSETS, isToolset, type Toolset } from "../../mcp/toolsets.js";
import { E, FirebreakError } from "../../errors.js";
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
  // On a team server the token decides who wrote what, and the server cannot tell an agent holding
  // a person's token from the person: an agent works there only with a token of its own kind.
  const who = await agent.serverIdentity({ live: true });
  if (who && who.kind === "person")
    throw new FirebreakError({
      code: "PERSON_REQUIRED",
      message: `This clone's record is on ${who.server}, and its token is ${who.name}'s, a person's: an agent would approve and waive as ${who.name} there.`,
      why: "On a team server an agent proposes under a token of kind agent; only a person's token approves, waives and confirms deploys.",
      next: `ask an admin for one (firebreak token create --name ${who.name}-agent --role responder --kind agent), and set FIREBREAK_TOKEN to it in the MCP client's configuration (docs/mcp.md)`,
    });
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
