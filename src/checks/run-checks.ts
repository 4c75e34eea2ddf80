// Runs the team's checks one after another, each with a time limit and its own log file.
// The commands are the team's own (config or package.json scripts), run through runShell and
// announced through onEvent before they start. Ctrl-C (the signal) stops the running check's
// whole process group; it and the rest are "interrupted".

import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { runShell } from "../adapters/process.js";
import { E } from "../errors.js";
import { redact } from "../redact.js";
import { redactLines } from "../redact-lines.js";

export type CheckStatus = "passed" | "failed" | "timed-out" | "skipped" | "missing" | "interrupted";

export interface CheckResult {
  name: string;
  command: string | null;
  status: CheckStatus;
  exitCode: number | null;
  durationMs: number;
  logPath: string | null; // null when nothing ran
  reason?: string;
  /** A failed check whose command or script was not found (exit 127): it never really ran. */
  notFound?: boolean;
}

export type CheckEvent =
  | { type: "start"; name: string; command: string; logPath: string }
  | { type: "output"; name: string; chunk: string }
  | { type: "end"; result: CheckResult };

export interface RunChecksOptions {
  cwd: string;
  logDir: string;
  timeoutMs: number;
  only?: string[];
  skip?: Array<{ name: string; reason: string }>;
  signal?: AbortSignal;
  onEvent?: (e: CheckEvent) => void;
}

// What package managers and shells print when the script or program is not there.
// Exit code 127 is the shell's "command not found". Such a check failed (it is configured, so it
// was meant to run); "missing" is only a check with no command at all.
const NOT_FOUND = /Missing script:|ERR_PNPM_NO_SCRIPT|Command "[^"]+" not found|error Command .* not found|Script not found/i;

/** Refuses --only/--skip names that are not checks, and skips without a reason. */
export function validateSelection(checks: Array<{ name: string }>, opts: Pick<RunChecksOptions, "only" | "skip">): void {
  const names = new Set(checks.map((c) => c.name));
  const unknown = [...(opts.only ?? []), ...(opts.skip ?? []).map((s) => s.name)].filter((n) => !names.has(n));
  if (unknown.length)
    throw E.usage(`Unknown check${unknown.length === 1 ? "" : "s"}: ${unknown.join(", ")}.`, undefined, [
      `checks: ${[...names].join(", ")}`,
    ]);
  for (const s of opts.skip ?? [])
    if (s.reason.trim() === "") throw E.usage(`--skip ${s.name} needs a --reason; it is recorded on the timeline.`);
}

export async function runChecks(checks: Array<{ name: string; command: string | null }>, opts: RunChecksOptions): Promise<CheckResult[]> {
  validateSelection(checks, opts);
  const results: CheckResult[] = [];
  for (const check of checks) {
    const result = await runCheck(check, opts);
    results.push(result);
    opts.onEvent?.({ type: "end", result });
  }
  return results;
}

/** One check: skipped, missing, interrupted before it starts, or run with its log file. No "end" event. */
export async function runCheck(check: { name: string; command: string | null }, opts: RunChecksOptions): Promise<CheckResult> {
  const base = { name: check.name, command: check.command, exitCode: null, durationMs: 0, logPath: null };
  if (opts.signal?.aborted) return { ...base, status: "interrupted", reason: "stopped before it started" };
  const skipped = opts.skip?.find((s) => s.name === check.name);
  if (skipped) return { ...base, status: "skipped", reason: skipped.reason.trim() };
  if (opts.only && !opts.only.includes(check.name)) return { ...base, status: "skipped", reason: `not in --only ${opts.only.join(",")}` };
  if (check.command === null) return { ...base, status: "missing", reason: "no command configured and no package.json script found" };

  // Logs hold what a test printed, which may be a secret from the environment: only the owner
  // reads them, and every line is redacted before it is written or shown.
  mkdirSync(opts.logDir, { recursive: true, mode: 0o700 });
  const logPath = join(opts.logDir, `${check.name.replace(/[^\w.-]+/g, "_")}.log`);
  const log = createWriteStream(logPath, { mode: 0o600 });
  const command = redact(check.command);
  log.write(`$ ${command}\n`);
  opts.onEvent?.({ type: "start", name: check.name, command, logPath });
  const lines = redactLines((chunk) => {
    log.write(chunk);
    opts.onEvent?.({ type: "output", name: check.name, chunk });
  });
  let r;
  try {
    r = await runShell(check.command, {
      cwd: opts.cwd,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      env: { CI: process.env.CI ?? "1", FORCE_COLOR: "0" },
      onOutput: (chunk) => lines.push(chunk),
    });
  } catch (e) {
    const why = redact((e as Error).message);
    log.write(`\n[firebreak] could not start: ${why}\n`);
    await closeStream(log);
    return { ...base, status: "failed", logPath, reason: `could not start: ${why}` };
  }
  lines.flush();
  const result: CheckResult = { ...base, exitCode: r.code, durationMs: r.durationMs, logPath, status: "passed" };
  if (opts.signal?.aborted) Object.assign(result, { status: "interrupted", reason: "stopped by the user" });
  else if (r.timedOut) Object.assign(result, { status: "timed-out", reason: `no result after ${formatDuration(opts.timeoutMs)}` });
  else if (r.code === 0) result.status = "passed";
  else if (r.code === 127 || NOT_FOUND.test(r.stdout + "\n" + r.stderr))
    Object.assign(result, {
      status: "failed",
      notFound: true,
      reason: `command not found (exit code ${r.code}): ${firstMatch(r.stdout + "\n" + r.stderr)}`,
    });
  else Object.assign(result, { status: "failed", reason: r.code === null ? `killed by ${r.signal}` : `exit code ${r.code}` });
  log.write(`\n[firebreak] ${result.status}${result.reason ? `: ${result.reason}` : ""} (${formatDuration(result.durationMs)})\n`);
  await closeStream(log);
  return result;
}

function firstMatch(text: string): string {
  const line = text.split("\n").find((l) => NOT_FOUND.test(l) || /not found/.test(l));
  return redact((line ?? "command not found").trim()).slice(0, 200);
}

function closeStream(s: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => s.end(resolve));
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")}s`;
}

/** Failed, timed out or interrupted checks fail `firebreak check`; skipped and missing ones are reported. */
export const checksPassed = (results: CheckResult[]) =>
  results.every((r) => r.status === "passed" || r.status === "skipped" || r.status === "missing");
