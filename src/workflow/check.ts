// The check operation: the minimal-change guard, then the project's checks, each result on the
// timeline (the PR body, the gate and the review read it there). It returns what happened and
// reports progress as events; saying it is left to whoever called it (the CLI, a server, a test).

import { join } from "node:path";
import type { Incident } from "../domain/types.js";
import { event, type EventData, type EventKind } from "../domain/events/index.js";
import type { WorkflowDeps } from "./deps.js";
import { workTreeId } from "../checks/tree-id.js";
import { untrackedReviewFiles } from "./review-files.js";
import { refuseIfShipped } from "./shipped.js";
import { readChangeSet } from "../guard/read-diff.js";
import { runGuard, type GuardReport } from "../guard/guard.js";
import { detectCheckCommands, installCommand } from "../checks/detect-commands.js";
import { runChecks, type CheckEvent, type CheckResult, type RunChecksOptions } from "../checks/run-checks.js";
import { E } from "../errors.js";

export interface CheckInput {
  incident: Incident;
  /** Go on with a shipped incident (recorded as a reopening). */
  reopen?: boolean;
  guardOnly?: boolean;
  checksOnly?: boolean;
  /** Run only these checks (test, typecheck, build). */
  only?: string[];
  /** Guard rules let through, each with the reason recorded on the timeline. */
  allows?: Array<{ rule: string; reason: string }>;
  /** Checks not run, each with its reason. */
  skips?: Array<{ name: string; reason: string }>;
  /** Aborting it stops the running check's process group; it and the rest are "interrupted". */
  signal?: AbortSignal;
}

export type CheckProgress =
  | { type: "review-files-left-out"; files: string[]; base: string }
  | { type: "fetch-failed"; remote: string; base: string; message: string }
  | { type: "guard"; report: GuardReport }
  | { type: "check"; event: CheckEvent };

export type CheckOutcome =
  | { kind: "guard-blocked"; incident: Incident; guard: GuardReport }
  | { kind: "guard-only"; incident: Incident; guard: GuardReport }
  | {
      kind: "checks";
      incident: Incident;
      guard: GuardReport | null;
      results: CheckResult[];
      /** At least one check really ran and none failed. */
      ok: boolean;
      passed: string[];
      failed: string[];
      missing: string[];
      skipped: string[];
      /** When every failure is "command not found": the command that installs the dependencies, if one is known. */
      installCommand: string | null;
    };

/** Runs the checks; a terminal may pass one that draws them live. */
export type ChecksRunner = (checks: Array<{ name: string; command: string | null }>, opts: RunChecksOptions) => Promise<CheckResult[]>;

export async function check(
  deps: WorkflowDeps,
  input: CheckInput,
  events: (e: CheckProgress) => void = () => undefined,
  runner: ChecksRunner = runChecks,
): Promise<CheckOutcome> {
  const incident = await refuseIfShipped(deps, input.incident, "check", Boolean(input.reopen));
  const config = await deps.config();
  const root = await deps.repoRoot();
  const actor = await deps.actor();
  const store = await deps.store();
  const record = <K extends EventKind>(kind: K, data: EventData<K>) =>
    store.appendEvent(incident.id, { at: deps.clock.now().toISOString(), actor, ...event(kind, data) });

  if (input.guardOnly && input.checksOnly)
    throw E.usage(
      "--guard-only and --checks-only cannot go together: the first runs no checks, the second no guard.",
      "firebreak check --guard-only",
    );

  // 1. The guard, unless only checks were asked for.
  let guard: GuardReport | null = null;
  const reviewFiles = await untrackedReviewFiles(deps, incident);
  if (reviewFiles.length) events({ type: "review-files-left-out", files: reviewFiles, base: incident.base });
  if (!input.checksOnly) {
    guard = await guardChange(deps, incident, input, reviewFiles, events);
    await recordGuard(record, guard);
    events({ type: "guard", report: guard });
    if (guard.blocked) return { kind: "guard-blocked", incident, guard };
    if (input.guardOnly) return { kind: "guard-only", incident, guard };
  }

  // 2. The checks.
  requireReasons(input);
  const commands = detectCheckCommands(root, { test: config.checks.test, typecheck: config.checks.typecheck, build: config.checks.build });
  const only = input.only ?? [];
  const logDir = join(
    await deps.git.commonDir(),
    "firebreak",
    "logs",
    incident.ticket,
    deps.clock.now().toISOString().replace(/[:.]/g, "-"),
  );
  const results = await runner(commands, {
    cwd: root,
    logDir,
    timeoutMs: config.checks.timeoutSeconds * 1000,
    only: only.length ? only : undefined,
    skip: input.skips ?? [],
    signal: input.signal,
    onEvent: (event) => events({ type: "check", event }),
  });
  return recordChecks(deps, record, incident, guard, results, reviewFiles);
}

/** Appends one typed event to the incident's timeline. */
type Record_ = <K extends EventKind>(kind: K, data: EventData<K>) => Promise<unknown>;

async function recordGuard(record: Record_, guard: GuardReport): Promise<void> {
  for (const a of guard.allowed)
    await record("guard.allowed", { rule: a.rule, reason: a.reason, count: a.count, summary: `${a.rule} allowed: ${a.reason}` });
  await record(guard.blocked ? "guard.blocked" : "guard.passed", {
    findings: guard.findings,
    allowed: guard.allowed,
    stats: guard.stats,
    summary: `${guard.findings.length} finding(s), ${guard.stats.files} file(s), ${guard.stats.lines} line(s) outside tests`,
  });
}

async function recordChecks(
  deps: WorkflowDeps,
  record: Record_,
  incident: Incident,
  guard: GuardReport | null,
  results: CheckResult[],
  reviewFiles: string[],
): Promise<CheckOutcome> {
  for (const r of results)
    await record(`check.${r.status}`, {
      name: r.name,
      command: r.command,
      status: r.status,
      exitCode: r.exitCode,
      durationMs: r.durationMs,
      logPath: r.logPath,
      reason: r.reason,
      summary: `${r.name} ${r.status}`,
    });
  const failed = results.filter((r) => r.status === "failed" || r.status === "timed-out" || r.status === "interrupted");
  const passed = results.filter((r) => r.status === "passed");
  // "Checks passed" needs at least one check that really ran: nothing run proves nothing.
  const ok = failed.length === 0 && passed.length > 0;
  const missing = results.filter((r) => r.status === "missing").map((r) => r.name);
  const skipped = results.filter((r) => r.status === "skipped").map((r) => r.name);
  // The tree the checks vouch for: the gate compares it with what is shipped.
  const tree = await workTreeId(deps.git, reviewFiles);
  await record(ok ? "checks.passed" : "checks.failed", {
    passed: passed.map((r) => r.name),
    failed: failed.map((r) => r.name),
    missing,
    skipped,
    tree,
    summary: ok ? `checks passed (ran: ${passed.map((r) => r.name).join(", ")})` : "checks did not pass",
  });
  const notFound = !ok && failed.length > 0 && failed.every((r) => r.notFound);
  return {
    kind: "checks",
    incident,
    guard,
    results,
    ok,
    passed: passed.map((r) => r.name),
    failed: failed.map((r) => r.name),
    missing,
    skipped,
    installCommand: notFound ? installCommand(await deps.repoRoot()) : null,
  };
}

async function guardChange(
  deps: WorkflowDeps,
  incident: Incident,
  input: CheckInput,
  leaveOut: readonly string[],
  events: (e: CheckProgress) => void,
): Promise<GuardReport> {
  const config = await deps.config();
  const root = await deps.repoRoot();
  const baseRef = `refs/remotes/${incident.remote}/${incident.base}`;
  // Compare with what production is now; offline, the last fetched state still serves.
  await deps.git
    .fetch(incident.remote, [incident.base])
    .catch((e: Error) => events({ type: "fetch-failed", remote: incident.remote, base: incident.base, message: e.message }));
  if (!(await deps.git.refExists(baseRef))) throw E.unknownBase(incident.remote, incident.base);
  const changes = await readChangeSet(root, baseRef, { testPatterns: config.guard.testPatterns });
  changes.files = changes.files.filter((f) => !(f.status === "untracked" && leaveOut.includes(f.path)));
  // A config carried with start --carry-config is the team's tooling, not part of the fix.
  if (typeof incident.data.carriedConfig === "string") changes.files = changes.files.filter((f) => f.path !== incident.data.carriedConfig);
  if (changes.files.length === 0)
    throw E.usage(
      `Nothing has changed against ${incident.remote}/${incident.base} yet.`,
      "make the fix and add a regression test, then: firebreak check",
    );
  requireReasons(input);
  return runGuard(changes, {
    priority: incident.priority,
    ticket: incident.ticket,
    config: config.guard as never,
    allows: input.allows ?? [],
  });
}

/** Every --allow and --skip goes on the record with its reason: one without is refused. */
export function requireReasons(input: Pick<CheckInput, "allows" | "skips">): void {
  for (const a of input.allows ?? [])
    if (!a.reason.trim())
      throw E.usage(
        `--allow ${a.rule} needs a --reason: it goes on the timeline and into the PR.`,
        `firebreak check --allow ${a.rule} --reason "<why>"`,
      );
  for (const k of input.skips ?? [])
    if (!k.reason.trim())
      throw E.usage(
        `--skip ${k.name} needs a --reason; it is recorded on the timeline.`,
        `firebreak check --skip ${k.name} --reason "<why>"`,
      );
}
