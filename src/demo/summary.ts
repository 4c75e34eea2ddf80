// The demo's last screen: how long from start to verified, the deadline left, how many commands
// it took, and where to look at what was written (review, messages, status page).

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Runner } from "./runner.js";
import type { Sandbox } from "./sandbox.js";
import type { TrafficCounts } from "./traffic.js";
import type { Receiver } from "./receiver.js";
import { formatDuration } from "../domain/deadline.js";

export interface DemoSummary {
  scenario: string;
  sandbox: string;
  commands: number;
  startToOutcome: string | null; // incident started → verified (or rolled back)
  outcome: "verified" | "rolled-back" | "unfinished";
  deadlineLeft: string | null;
  runningVersion: string | null;
  expiredTokenStatus: number | null; // what the running service answers an expired token now
  files: { label: string; path: string }[];
  traffic: TrafficCounts;
  messagesReceived: number;
  seconds: number;
}

interface Ev {
  kind: string;
  at: string;
}

export async function summarize(
  run: Runner,
  sb: Sandbox,
  o: { started: number; scenario: string; traffic: TrafficCounts; receiver: Receiver },
): Promise<DemoSummary> {
  const log = run.json<{ events?: Ev[] } | Ev[]>(["log"]);
  const events: Ev[] = Array.isArray(log) ? log : (log.events ?? []);
  const status = run.json<{ timeLeft?: { text?: string } }>(["status"]);
  const startedAt = events.find((e) => e.kind === "incident.started")?.at;
  const end = events.find((e) => e.kind === "verify.production.verified") ?? events.find((e) => e.kind === "rollback.done");
  const version = await fetch(`http://127.0.0.1:${sb.port}/version`, { signal: AbortSignal.timeout(2000) })
    .then((r) => r.text())
    .then((t) => t.trim())
    .catch(() => null);

  const expiredTokenStatus = await fetch(`http://127.0.0.1:${sb.port}/profile`, {
    headers: { authorization: "Bearer tok-expired-bob" },
    signal: AbortSignal.timeout(2000),
  })
    .then(async (r) => (await r.arrayBuffer(), r.status))
    .catch(() => null);

  const files: DemoSummary["files"] = [];
  const add = (label: string, path: string) => {
    if (existsSync(path)) files.push({ label, path });
  };
  add("review (Markdown)", join(sb.work, "docs/incidents/ENG-1234.md"));
  add("review (HTML)", join(sb.work, "docs/incidents/ENG-1234.html"));
  add("chat messages", join(sb.out, "webhook-messages.json"));
  for (const dir of ["email", "status-page"]) {
    const d = join(sb.out, dir);
    if (existsSync(d)) for (const f of readdirSync(d)) add(dir === "email" ? "email" : "status page", join(d, f));
  }

  return {
    scenario: o.scenario,
    sandbox: sb.root,
    commands: run.history.length,
    startToOutcome: startedAt && end ? formatDuration(Date.parse(end.at) - Date.parse(startedAt)) : null,
    outcome: end?.kind === "verify.production.verified" ? "verified" : end ? "rolled-back" : "unfinished",
    deadlineLeft: status.timeLeft?.text ?? null,
    runningVersion: version,
    expiredTokenStatus,
    files,
    traffic: o.traffic,
    messagesReceived: o.receiver.received.length,
    seconds: Math.round((Date.now() - o.started) / 1000),
  };
}
