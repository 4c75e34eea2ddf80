// firebreak check: the minimal-change guard, then the project's checks, then a summary.
// Every result goes on the timeline, where the PR body and the review read it.

import { join } from "node:path";
import type { CommandInput } from "../run-command.js";
import { workTreeId } from "../../checks/tree-id.js";
import { untrackedReviewFiles } from "../../workflow/review-files.js";
import type { App } from "../../app/app.js";
import type { Incident } from "../../domain/types.js";
import { event, type EventData, type EventKind } from "../../domain/events/index.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { refuseIfShipped } from "../../workflow/shipped.js";
import { readChangeSet } from "../../guard/read-diff.js";
import { runGuard, type GuardReport } from "../../guard/guard.js";
import { renderGuardReport } from "../../guard/render-report.js";
import { detectCheckCommands, installCommand } from "../../checks/detect-commands.js";
import { runChecks, type CheckResult } from "../../checks/run-checks.js";
import { renderCheckProgress, renderCheckSummary } from "../../checks/progress.js";
import { E, EXIT } from "../../errors.js";
import { stopSignal } from "../../stop.js";
import { isInteractive, splitList } from "../format.js";
import type { Output } from "../output.js";

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  const incident = await refuseIfShipped(app, await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined), "check", Boolean(opts.reopen));
  const config = await app.config();
  const root = await app.repoRoot();
  const actor = await app.actor();
  const store = await app.store();
  const record = <K extends EventKind>(kind: K, data: EventData<K>) => store.appendEvent(incident.id, { at: app.clock.now().toISOString(), actor, ...event(kind, data) });

  if (opts.guardOnly && opts.checksOnly) throw E.usage("--guard-only and --checks-only cannot go together: the first runs no checks, the second no guard.", "firebreak check --guard-only");

  // 1. Guard, unless only checks were asked for.
  let guard: GuardReport | null = null;
  const reviewFiles = await untrackedReviewFiles(app, incident);
  if (reviewFiles.length)
    out.info(`Not part of the fix: ${reviewFiles.join(", ")} (the post-incident review; commit it on ${incident.base}, not on the hotfix branch).`);
  if (!opts.checksOnly) {
    guard = await guardChange(app, incident, out, reviewFiles);
    for (const a of guard.allowed) await record("guard.allowed", { rule: a.rule, reason: a.reason, count: a.count, summary: `${a.rule} allowed: ${a.reason}` });
    await record(guard.blocked ? "guard.blocked" : "guard.passed", {
      findings: guard.findings,
      allowed: guard.allowed,
      stats: guard.stats,
      summary: `${guard.findings.length} finding(s), ${guard.stats.files} file(s), ${guard.stats.lines} line(s) outside tests`,
    });
    for (const line of renderGuardReport(guard, { color: out.color })) out.line(line);
    if (guard.blocked) {
      out.data({ guard, checks: [] });
      out.line("");
      out.line(out.red("The guard blocked this change; the checks did not run."));
      out.next('shrink the change, or override with a reason: firebreak check --allow <rule> --reason "…"');
      return EXIT.blocked;
    }
    if (opts.guardOnly) {
      out.data({ guard, checks: [], ok: true });
      out.line("");
      out.success(`${incident.ticket}: the change is minimal${guard.allowed.length ? " (with recorded overrides)" : ""}; no check ran (--guard-only).`);
      out.next("firebreak check --checks-only   # runs test, typecheck and build");
      return EXIT.ok;
    }
  }

  // 2. Checks.
  const commands = detectCheckCommands(root, { test: config.checks.test, typecheck: config.checks.typecheck, build: config.checks.build });
  const skip = pairReasons(process.argv).skips;
  const only = splitList(opts.only);
  const logDir = join(await app.git.commonDir(), "firebreak", "logs", incident.ticket, app.clock.now().toISOString().replace(/[:.]/g, "-"));
  let results: CheckResult[];
  {
    // SIGINT, SIGTERM or SIGHUP stops the running check's whole group (app/signals.ts); it and the rest are "interrupted".
    const runOpts = {
      cwd: root,
      logDir,
      timeoutMs: config.checks.timeoutSeconds * 1000,
      only: only.length ? only : undefined,
      skip,
      signal: stopSignal(),
    };
    if (isInteractive() && !out.json) {
      const { runChecksLive } = await import("../../checks/live-view.js");
      results = await runChecksLive(commands, runOpts);
    } else {
      results = await runChecks(commands, { ...runOpts, onEvent: (e) => { const l = renderCheckProgress(e); if (l) out.info(l); } });
    }
  }
  for (const r of results)
    await record(`check.${r.status}`, { name: r.name, command: r.command, status: r.status, exitCode: r.exitCode, durationMs: r.durationMs, logPath: r.logPath, reason: r.reason, summary: `${r.name} ${r.status}` });
  const failed = results.filter((r) => r.status === "failed" || r.status === "timed-out" || r.status === "interrupted");
  const passed = results.filter((r) => r.status === "passed");
  // "Checks passed" needs at least one check that really ran: nothing run proves nothing.
  const ok = failed.length === 0 && passed.length > 0;
  const missing = results.filter((r) => r.status === "missing").map((r) => r.name);
  const skipped = results.filter((r) => r.status === "skipped").map((r) => r.name);
  const tree = await workTreeId(app.git, reviewFiles);
  await record(ok ? "checks.passed" : "checks.failed", {
    passed: passed.map((r) => r.name),
    failed: failed.map((r) => r.name),
    missing,
    skipped,
    tree,
    summary: ok ? `checks passed (ran: ${passed.map((r) => r.name).join(", ")})` : "checks did not pass",
  });

  // 3. Summary.
  out.data({ guard, checks: results, ok });
  out.line("");
  for (const line of renderCheckSummary(results)) out.line(line);
  if (results.some((r) => r.status === "interrupted")) {
    out.line(out.yellow("Interrupted: the running check was stopped and recorded as interrupted."));
    out.next("firebreak check");
    return EXIT.blocked;
  }
  const again = `firebreak check${guard ? "" : " --checks-only"}`;
  if (!ok && failed.length > 0 && failed.every((r) => r.notFound)) {
    // Every failure is "command not found": the tools are not there, not the fix that is wrong.
    const install = installCommand(root);
    out.line(out.red(`${failed.length === results.filter((r) => r.logPath).length ? "No check could start" : `${failed.map((r) => r.name).join(", ")} could not start`}: the command was not found.`));
    for (const r of failed) out.line(`  ${r.name}: ${r.reason ?? "exit code 127"}`);
    out.line(install ? "The dependencies are likely not installed." : "The tools the checks call are likely not installed.");
    out.next(install ? `${install}   # then: ${again}` : `install what the checks call (see each log above), then: ${again}`);
    return EXIT.blocked;
  }
  if (!ok) {
    out.line(out.red(failed.length ? `Failed: ${failed.map((r) => r.name).join(", ")}. Each log is listed above.` : "No check ran: configure checks.test (and typecheck, build) in .firebreak.yml."));
    out.next(failed.length ? `read the log, fix it, then: ${again}` : "firebreak init --stdout   # shows the checks section");
    return EXIT.blocked;
  }
  const notRun = [...(missing.length ? [`no command for ${missing.join(", ")}`] : []), ...(skipped.length ? [`skipped ${skipped.join(", ")}`] : [])];
  out.success(
    `${incident.ticket}: ${guard ? `the change is minimal${guard.allowed.length ? " (with recorded overrides)" : ""} and ` : ""}the checks pass (ran: ${passed.map((r) => r.name).join(", ")}${notRun.length ? `; ${notRun.join("; ")}` : ""}).`,
  );
  out.next('confirm what you verified (firebreak confirm fixed), then: firebreak commit --root-cause "…"');
  return EXIT.ok;
}

async function guardChange(app: App, incident: Incident, out: Output, leaveOut: readonly string[]): Promise<GuardReport> {
  const config = await app.config();
  const root = await app.repoRoot();
  const baseRef = `refs/remotes/${incident.remote}/${incident.base}`;
  // Compare with what production is now; offline, the last fetched state still serves.
  await app.git.fetch(incident.remote, [incident.base]).catch((e: Error) => out.warn(`Could not fetch ${incident.remote}/${incident.base} (${e.message}); comparing with the last fetched state.`));
  if (!(await app.git.refExists(baseRef))) throw E.unknownBase(incident.remote, incident.base);
  const changes = await readChangeSet(root, baseRef, { testPatterns: config.guard.testPatterns });
  changes.files = changes.files.filter((f) => !(f.status === "untracked" && leaveOut.includes(f.path)));
  // A config carried with start --carry-config is the team's tooling, not part of the fix.
  if (typeof incident.data.carriedConfig === "string") changes.files = changes.files.filter((f) => f.path !== incident.data.carriedConfig);
  if (changes.files.length === 0)
    throw E.usage(`Nothing has changed against ${incident.remote}/${incident.base} yet.`, "make the fix and add a regression test, then: firebreak check");
  return runGuard(changes, { priority: incident.priority, ticket: incident.ticket, config: config.guard as never, allows: pairReasons(process.argv).allows });
}

/**
 * Pairs each --reason with the --allow or --skip written just before it, in the order typed
 * (commander collects each flag into its own list and loses that order).
 */
export function pairReasons(argv: readonly string[]): { allows: Array<{ rule: string; reason: string }>; skips: Array<{ name: string; reason: string }> } {
  const allows: Array<{ rule: string; reason: string }> = [];
  const skips: Array<{ name: string; reason: string }> = [];
  let last: { reason: string } | null = null; // the --allow or --skip a --reason would explain
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") break;
    const m = /^--(allow|skip|reason)(?:=(.*))?$/s.exec(token);
    if (!m) continue;
    const value = m[2] ?? argv[++i] ?? "";
    if (m[1] === "allow") {
      const entry = { rule: value, reason: "" };
      allows.push(entry);
      last = entry;
    } else if (m[1] === "skip") {
      const entry = { name: value, reason: "" };
      skips.push(entry);
      last = entry;
    }
    else if (last && !last.reason) last.reason = value;
    else throw E.usage("Each --reason follows the --allow <rule> or --skip <check> it explains.", 'firebreak check --allow dependencies --reason "CVE-2026-1234 in jsonwebtoken"');
  }
  for (const a of allows) if (!a.reason.trim()) throw E.usage(`--allow ${a.rule} needs a --reason: it goes on the timeline and into the PR.`, `firebreak check --allow ${a.rule} --reason "<why>"`);
  for (const k of skips) if (!k.reason.trim()) throw E.usage(`--skip ${k.name} needs a --reason; it is recorded on the timeline.`, `firebreak check --skip ${k.name} --reason "<why>"`);
  return { allows, skips };
}
