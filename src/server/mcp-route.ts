// `/mcp` on the team server: the MCP face over Streamable HTTP (stateless: one MCP server per
// request), behind the same token auth as every other route. The token decides everything: its
// role which tools are listed (a viewer reads; a responder and above may also write a note), its
// name and kind the actor the core sees (so an agent or service token is refused what needs a
// person, whatever it asks), and its memberships which incidents exist at all — a private incident
// it may not see is missing from every tool, resource and prompt, exactly like one never recorded.
// The record each request works on is storeAs (store-route.ts): the same rules as the CLI's calls.
// The server holds the record but no repository, so only the tools that work on the record alone
// are served here; the others need `firebreak mcp` in the repository.

import { tmpdir } from "node:os";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Context } from "hono";
import { roleAtLeast } from "../domain/access.js";
import { AgentApp } from "../mcp/agent-app.js";
import { createMcpServer } from "../mcp/server.js";
import type { Toolset } from "../mcp/toolsets.js";
import type { Clock, Store } from "../ports.js";
import type { EffectDeps } from "../workflow/effect.js";
import type { Caller } from "./access.js";
import { storeAs, type StoreRouteDeps } from "./store-route.js";

/** The tools that need only the record (no repository, forge or deploy target). */
export const RECORD_TOOLS: readonly string[] = ["incident_triage", "incident_status", "incident_note"];
const TOOLSETS: readonly Toolset[] = ["incident"];

/** The agent app of one request: the record as the token sees it, the token as the actor. */
class TokenAgentApp extends AgentApp {
  readonly #store: Store;
  readonly #caller: Caller;

  constructor(store: Store, caller: Caller, clock: Clock) {
    // No repository: tools asked for no ticket fall back to the only incident in progress.
    super({ cwd: tmpdir(), env: {}, clock });
    this.#store = store;
    this.#caller = caller;
  }

  override store(): Promise<Store> {
    return Promise.resolve(this.#store);
  }

  override async actor(): Promise<string> {
    return this.#caller.token.name;
  }

  override async effectDeps(): Promise<EffectDeps> {
    return { store: this.#store, clock: this.clock, actor: this.#caller.token.name, actorKind: this.#caller.token.kind };
  }

  override async close(): Promise<void> {}
}

export interface McpRouteDeps {
  /** The record and the server's records, lent to each caller as that caller may see and write them. */
  record: StoreRouteDeps;
  clock: Clock;
  version?: string;
  /** After each request: a note may have landed, so the live feed looks now rather than at its next poll. */
  after?: () => void;
}

/** The handler for POST /mcp (the caller is already authenticated); GET and DELETE answer 405. */
export function mcpRoute(deps: McpRouteDeps) {
  return async (c: Context<{ Variables: { caller: Caller } }>): Promise<Response> => {
    // Stateless: no session to resume and no server-initiated stream to hold open.
    if (c.req.method !== "POST")
      return c.json({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: POST /mcp" }, id: null }, 405, {
        allow: "POST",
      });
    const caller = c.get("caller");
    const server = createMcpServer({
      app: new TokenAgentApp(storeAs(deps.record, caller), caller, deps.clock),
      toolsets: TOOLSETS,
      allow: roleAtLeast(caller.token.role, "responder") ? TOOLSETS : [],
      only: RECORD_TOOLS,
      version: deps.version ?? "0.1.0",
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
      deps.after?.();
    }
  };
}
