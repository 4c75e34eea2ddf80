// The MCP server: the tools of the chosen toolsets (write tools only where allowed), the incident
// as resources, and the prompt that walks an agent through the level's checklist.

import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { evaluateChecklist } from "../domain/checklist.js";
import { incidentState } from "../domain/state/state.js";
import { redactDeep } from "../redact.js";
import type { AgentApp } from "./agent-app.js";
import { TOOLS, type ToolDef } from "./tools.js";
import { serveSubscriptions, type Subscriptions } from "./subscriptions.js";
import type { Toolset } from "./toolsets.js";

export interface McpOptions {
  app: AgentApp;
  /** The toolsets listed (the CLI defaults to incident, fix and release). */
  toolsets: readonly Toolset[];
  /** The toolsets whose write tools are listed (default: none). */
  allow: readonly Toolset[];
  version: string;
  /**
   * Only these tools (by name), for a face that lacks what the others need: the team server has
   * the record but no repository, so it serves the tools that work on the record alone.
   */
  only?: readonly string[];
}

/** The tools a server with these options lists, in the catalogue's order. */
export const selectTools = (toolsets: readonly Toolset[], allow: readonly Toolset[]): ToolDef[] =>
  TOOLS.filter((t) => toolsets.includes(t.toolset) && (!t.write || allow.includes(t.toolset)));

export function createMcpServer(opts: McpOptions): McpServer {
  const server = new McpServer(
    { name: "firebreak", version: opts.version },
    {
      instructions:
        "Firebreak runs emergency releases. Read incident_status first. You may propose and prepare; a person approves, waives and confirms merges, deploys and rollbacks (release_*_plan, then a person's confirmation, then release_*_apply).",
    },
  );
  const { app } = opts;
  // Set up once the resources are registered (registering one resets the resources capability).
  let subscriptions: Subscriptions | undefined;
  const only = opts.only;
  for (const t of selectTools(opts.toolsets, opts.allow).filter((t) => !only || only.includes(t.name)))
    server.registerTool(
      t.name,
      {
        title: t.title,
        description: t.description,
        inputSchema: t.input,
        outputSchema: t.output,
        annotations: { title: t.title, ...t.annotations },
      },
      async (args: unknown, extra) => {
        const result = await t.run({ app, server }, args, extra);
        // A write may have changed what a subscribed client reads.
        if (t.write) subscriptions?.poke();
        return result;
      },
    );

  const incidents = async () => (await app.store()).listIncidents({ all: true });
  const byTicket = async (ticket: string) => {
    const found = (await incidents()).find((i) => i.ticket === ticket);
    if (!found) throw new Error(`No incident ${ticket} on this record.`);
    return { incident: found, events: await (await app.store()).timeline(found.id) };
  };
  const list = async (suffix: string) => ({
    resources: (await incidents()).map((i) => ({
      uri: `firebreak://incident/${encodeURIComponent(i.ticket)}${suffix}`,
      name: `${i.ticket}${suffix}`,
    })),
  });
  const json = (uri: URL, value: unknown) => ({
    contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(redactDeep(value), null, 2) }],
  });

  server.registerResource(
    "incident",
    new ResourceTemplate("firebreak://incident/{ticket}", { list: () => list("") }),
    {
      title: "Incident record",
      description: "The incident: level, status, branch, deadline, and what the record keeps about it.",
      mimeType: "application/json",
    },
    async (uri, { ticket }) => json(uri, (await byTicket(decodeURIComponent(String(ticket)))).incident),
  );
  server.registerResource(
    "timeline",
    new ResourceTemplate("firebreak://incident/{ticket}/timeline", { list: () => list("/timeline") }),
    { title: "Timeline", description: "The incident's hash-chained timeline, oldest first.", mimeType: "application/json" },
    async (uri, { ticket }) => {
      const { events } = await byTicket(decodeURIComponent(String(ticket)));
      return json(
        uri,
        events.map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, kind: e.kind, data: e.data })),
      );
    },
  );
  server.registerResource(
    "checklist",
    new ResourceTemplate("firebreak://incident/{ticket}/checklist", { list: () => list("/checklist") }),
    {
      title: "Checklist",
      description: "The level's checklist against the record: done, waived, next, to do.",
      mimeType: "application/json",
    },
    async (uri, { ticket }) => {
      const { incident, events } = await byTicket(decodeURIComponent(String(ticket)));
      const items = evaluateChecklist(incident.priority, incidentState(events));
      return json(
        uri,
        items.map((i) => ({ id: i.item.id, label: i.item.label, phase: i.item.phase, state: i.state, command: i.item.command })),
      );
    },
  );

  server.registerPrompt(
    "handle_incident",
    {
      title: "Handle this incident",
      description: "Walks an agent through the incident's checklist, one step at a time, leaving a person's decisions to a person.",
      argsSchema: { ticket: z.string().describe("the incident's ticket") },
    },
    async ({ ticket }) => {
      const { incident, events } = await byTicket(ticket);
      const items = evaluateChecklist(incident.priority, incidentState(events)).filter((i) => i.state !== "not-needed");
      const steps = items.map(
        (i) =>
          `- [${i.state === "done" || i.state === "waived" ? "x" : " "}] ${i.item.label} (${i.item.command})${i.state === "next" ? "  ← next" : ""}`,
      );
      return {
        messages: [
          {
            role: "user" as const,
            content: {
              type: "text" as const,
              text: [
                `Handle incident ${incident.ticket} (${incident.priority}): ${incident.title}. Deadline ${incident.deadlineAt}. Branch ${incident.branch}.`,
                "Work through the checklist in order. Read incident_status after each step.",
                ...steps,
                "Rules: you may investigate, note, fix, check and plan. Approvals and waivers are a person's; a merge, deploy or rollback is applied only after a person confirms its plan (firebreak confirm-plan ID). If a tool refuses, read its why and next and do what next says or ask the person.",
              ].join("\n"),
            },
          },
        ],
      };
    },
  );
  subscriptions = serveSubscriptions(server, () => app.store());
  const closing = server.server.onclose;
  server.server.onclose = () => {
    subscriptions?.stop();
    closing?.();
  };
  return server;
}
