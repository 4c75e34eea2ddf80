// `/mcp` on a running team server (a real listener on a free port, a SQLite file), through the
// SDK's own client over Streamable HTTP: the token authenticates, its role decides the tools
// listed, its name is the actor on the timeline, and a private incident does not exist for a
// non-member on any tool, resource or prompt.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/server/log.js";
import { startServer, type RunningServer } from "../../src/server/serve.js";
import { seedIncident, token } from "./fixture.js";

describe("/mcp on the team server (Streamable HTTP, SQLite)", () => {
  let dir: string;
  let server: RunningServer;
  const clients = new Set<Client>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "firebreak-mcp-http-"));
    server = await startServer({ env: {}, sqlitePath: join(dir, "server.db"), host: "127.0.0.1", port: 0, log: silentLogger });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function connect(secret?: string): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: secret ? { headers: { authorization: `Bearer ${secret}` } } : {},
    });
    const client = new Client({ name: "firebreak-test", version: "1.0.0" });
    clients.add(client);
    await client.connect(transport);
    return client;
  }
  const call = async (c: Client, name: string, args: Record<string, unknown> = {}) =>
    (await c.callTool({ name, arguments: args })) as CallToolResult;
  const text = (r: CallToolResult) => r.content.map((p) => (p.type === "text" ? p.text : "")).join("\n");

  it("refuses a client without a token, or with an unknown one (401)", async () => {
    for (const secret of [undefined, "fbk_not-a-token"]) {
      const refused = connect(secret);
      await expect(refused).rejects.toMatchObject({ code: 401 });
      await expect(refused).rejects.toThrow(/SERVER_UNAUTHENTICATED/);
    }
    const raw = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(raw.status).toBe(401);
    expect(((await raw.json()) as any).error.code).toBe("SERVER_UNAUTHENTICATED");
  });

  it("lists only the read-only tools to a viewer and refuses its write", async () => {
    const inc = await seedIncident(server.storage);
    const viewer = await connect(await token(server.storage, "mcp-vera", "viewer"));
    const { tools } = await viewer.listTools();
    expect(tools.map((t) => t.name)).toEqual(["incident_triage", "incident_status"]);
    for (const t of tools) expect(t.annotations?.readOnlyHint, t.name).toBe(true);
    const status = await call(viewer, "incident_status", { ticket: inc.ticket });
    expect(status.isError).toBeFalsy();
    expect((status.structuredContent as any).ticket).toBe(inc.ticket);
    // A tool the role does not list cannot be called either.
    const refused = await call(viewer, "incident_note", { ticket: inc.ticket, text: "viewer was here" });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/incident_note not found/);
    const timeline = await server.storage.store.timeline(inc.id);
    expect(timeline.map((e) => e.kind)).not.toContain("note");
  });

  it("lets a responder add a note that lands on the timeline under the token's name", async () => {
    const inc = await seedIncident(server.storage);
    const responder = await connect(await token(server.storage, "mcp-bot", "responder", { kind: "agent" }));
    const { tools } = await responder.listTools();
    expect(tools.map((t) => t.name)).toEqual(["incident_triage", "incident_status", "incident_note"]);
    const r = await call(responder, "incident_note", { ticket: inc.ticket, text: "cache key misses the tenant id" });
    expect(r.isError, text(r)).toBeFalsy();
    const last = (await server.storage.store.timeline(inc.id)).at(-1)!;
    expect(last.kind).toBe("note");
    expect(last.actor).toBe("mcp-bot");
    expect((last.data as any).text).toBe("cache key misses the tenant id");
    expect((r.structuredContent as any).seq).toBe(last.seq);
  });

  it("keeps a private incident absent for a non-member on tools, resources and prompts; a member sees it", async () => {
    const priv = await seedIncident(server.storage, { criteria: ["data-exposure"] });
    const pub = await seedIncident(server.storage);
    const cmdr = await token(server.storage, "mcp-cmdr", "commander");
    const added = await fetch(`${server.url}/incidents/${priv.id}/members`, {
      method: "POST",
      headers: { authorization: `Bearer ${cmdr}`, "content-type": "application/json" },
      body: JSON.stringify({ member: "mcp-member" }),
    });
    expect(added.status).toBe(200);
    const outsider = await connect(await token(server.storage, "mcp-outsider", "responder"));
    const member = await connect(await token(server.storage, "mcp-member", "viewer"));

    const hidden = await call(outsider, "incident_status", { ticket: priv.ticket });
    expect(hidden.isError).toBe(true);
    expect(text(hidden)).toMatch(/^NO_INCIDENT/);
    expect(text(hidden)).not.toContain(priv.title);
    const note = await call(outsider, "incident_note", { ticket: priv.ticket, text: "peek" });
    expect(note.isError).toBe(true);
    expect(text(note)).toMatch(/^NO_INCIDENT/);
    expect((await server.storage.store.timeline(priv.id)).map((e) => e.actor)).not.toContain("mcp-outsider");

    const uris = (await outsider.listResources()).resources.map((r) => r.uri);
    expect(uris).toContain(`firebreak://incident/${pub.ticket}`);
    expect(uris.some((u) => u.includes(priv.ticket))).toBe(false);
    await expect(outsider.readResource({ uri: `firebreak://incident/${priv.ticket}/timeline` })).rejects.toThrow();
    await expect(outsider.getPrompt({ name: "handle_incident", arguments: { ticket: priv.ticket } })).rejects.toThrow();

    const seen = await call(member, "incident_status", { ticket: priv.ticket });
    expect(seen.isError, text(seen)).toBeFalsy();
    expect((seen.structuredContent as any).title).toBe(priv.title);
    expect((await member.listResources()).resources.map((r) => r.uri)).toContain(`firebreak://incident/${priv.ticket}`);
  });

  it("shows a token limited to one incident that incident alone", async () => {
    const mine = await seedIncident(server.storage);
    const other = await seedIncident(server.storage);
    const scoped = await connect(await token(server.storage, "mcp-scoped", "responder", { incidentScope: mine.id }));
    const uris = (await scoped.listResources()).resources.map((r) => r.uri);
    const base = `firebreak://incident/${mine.ticket}`;
    expect(uris.sort()).toEqual([base, `${base}/checklist`, `${base}/timeline`]);
    const r = await call(scoped, "incident_status", { ticket: other.ticket });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^NO_INCIDENT/);
    // Without a ticket, the only incident in progress it may see is the one.
    const own = await call(scoped, "incident_status");
    expect(own.isError, text(own)).toBeFalsy();
    expect((own.structuredContent as any).ticket).toBe(mine.ticket);
  });
});
