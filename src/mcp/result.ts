// A tool's answer: its data as structured content plus a one-line summary, or an error the agent
// can correct itself from (the catalogue's why and next). Both pass through redaction, so a secret
// an adapter saw never reaches the agent.

import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { FirebreakError } from "../errors.js";
import { redact, redactDeep } from "../redact.js";

export function ok(summary: string, data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: redact(summary) }], structuredContent: redactDeep(data) };
}

export function failed(e: unknown): CallToolResult {
  if (e instanceof FirebreakError) {
    const lines = [e.message, ...e.details, e.why ? `why: ${e.why}` : "", e.next ? `next: ${e.next}` : ""].filter(Boolean);
    return { isError: true, content: [{ type: "text", text: redact(`${e.code}: ${lines.join("\n")}`) }] };
  }
  const message = e instanceof Error ? e.message : String(e);
  return {
    isError: true,
    content: [{ type: "text", text: redact(`UNEXPECTED: ${message}\nnext: run the same step with the CLI and --debug`) }],
  };
}
