// Structured logs: one JSON object a line, every string masked (src/redact.ts). A request's line
// carries its id, route, status and the token's name, never the token or a header's value.

import { redactDeep } from "../redact.js";

export type LogSink = (line: string) => void;

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(sink: LogSink, now: () => Date = () => new Date()): Logger {
  const write = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
    sink(`${JSON.stringify(redactDeep({ t: now().toISOString(), level, msg, ...fields }))}\n`);
  return { info: (m, f) => write("info", m, f), error: (m, f) => write("error", m, f) };
}

export const silentLogger: Logger = { info: () => undefined, error: () => undefined };
