// firebreak check: the minimal-change guard, then the project's checks, then a summary.
// Every result goes on the timeline, where the PR body and the review read it.

import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { check, type CheckOutcome, type CheckProgress, type ChecksRunner } from "../../workflow/check.js";
import { renderGuardReport } from "../../guard/render-report.js";
import type { GuardReport } from "../../guard/guard.js";
import { renderCheckProgress, renderCheckSummary } from "../../checks/progress.js";
import { E, EXIT, isFirebreakError } from "../../errors.js";
import { stopSignal } from "../../stop.js";
import { isInteractive, splitList } from "../format.js";
import type { Output } from "../output.js";
import { bool, str, type RawOptions } from "./options.js";
import { ciFormat, formatAnnotation, guardAnnotations, type CiFormat } from "../../action/annotations.js";
import { runUnrecorded } from "./check-unrecorded.js";
import { changedFiles } from "../../workflow/go.js";

export interface CheckOptions {
  ticket?: string;
  reopen: boolean;
  guardOnly: boolean;
  checksOnly: boolean;
  only: string[];
  allows: Array<{ rule: string; reason: string }>;
  skips: Array<{ name: string; reason: string }>;
  /** --ci: the guard's findings as CI annotations (GitHub workflow commands, or plain lines). */
  ci: CiFormat | null;
  /** With --guard-only --ci and no record: the PR's base and the level to guard at. */
  base?: string;
  priority?: string;
}

/** --allow, --skip and --reason come from the command line as typed: their order pairs them. */
export function checkOptions(opts: RawOptions, argv: readonly string[]): CheckOptions {
  const { allows, skips } = pairReasons(argv);
  return {
    ticket: str(opts.ticket),
    reopen: bool(opts.reopen),
    guardOnly: bool(opts.guardOnly),
    checksOnly: bool(opts.checksOnly),
    only: splitList(opts.only),
    allows,
    skips,
    ci: opts.ci === undefined || opts.ci === false ? null : ciFormat(opts.ci as string | boolean, process.env),
    base: str(opts.base),
    priority: str(opts.priority),
  };
}

export async function run({ app, out, opts: raw }: CommandInput): Promise<number> {
  const opts = checkOptions(raw, process.argv);
  // In CI a fresh clone has no record (nobody ran `firebreak start` there): the guard alone still
  // runs, against the PR's base, and says that nothing was recorded.
  const incident = await resolveIncident(app, opts.ticket).catch((e: unknown) => {
    if (opts.guardOnly && opts.ci && isFirebreakError(e) && e.code === "NO_INCIDENT") return null;
    throw e;
  });
  if (!incident) return runUnrecorded(app, out, opts, (a) => printAnnotations(a, opts.ci!));
  if (opts.base !== undefined || opts.priority !== undefined)
    out.warn(
      `--base and --priority are for a change with no record: ${incident.ticket}'s base (${incident.base}) and level (${incident.priority}) are used.`,
    );
  // A terminal gets the live view; elsewhere each check's start and end is a line.
  const live = isInteractive() && !out.json && !opts.ci;
  const runner: ChecksRunner | undefined = live
    ? async (commands, o) => (await import("../../checks/live-view.js")).runChecksLive(commands, o)
    : undefined;
  const result = await check(app, { ...opts, incident, signal: stopSignal() }, (e) => showProgress(out, e, live, opts.ci), runner);
  // Checked after the commit (nothing left in the tree): the next step is the pull request.
  const committed = (await changedFiles(app, incident)).length === 0;
  return showOutcome(out, result, committed);
}

/** Annotations go to stdout even with --json: the CI reads them from the step's log. */
function printAnnotations(report: GuardReport, ci: CiFormat): void {
  for (const a of guardAnnotations(report)) process.stdout.write(`${formatAnnotation(a, ci)}\n`);
}

function showProgress(out: Output, e: CheckProgress, live: boolean, ci: CiFormat | null): void {
  if (e.type === "guard" && ci) printAnnotations(e.report, ci);
  if (e.type === "review-files-left-out")
    out.info(`Not part of the fix: ${e.files.join(", ")} (the post-incident review; commit it on ${e.base}, not on the hotfix branch).`);
  else if (e.type === "fetch-failed")
    out.warn(`Could not fetch ${e.remote}/${e.base} (${e.message}); comparing with the last fetched state.`);
  else if (e.type === "guard") for (const line of renderGuardReport(e.report, { color: out.color })) out.line(line);
  else if (!live) {
    const l = renderCheckProgress(e.event);
    if (l) out.info(l);
  }
}

function showOutcome(out: Output, result: CheckOutcome, committed: boolean): number {
  const { incident } = result;
  if (result.kind === "guard-blocked") {
    out.data({ guard: result.guard, checks: [] });
    out.line("");
    out.line(out.red("The guard blocked this change; the checks did not run."));
    out.next('shrink the change, or override with a reason: firebreak check --allow <rule> --reason "…"');
    return EXIT.blocked;
  }
  if (result.kind === "guard-only") {
    out.data({ guard: result.guard, checks: [], ok: true });
    out.line("");
    out.success(
      `${incident.ticket}: the change is minimal${result.guard.allowed.length ? " (with recorded overrides)" : ""}; no check ran (--guard-only).`,
    );
    out.next("firebreak check --checks-only   # runs test, typecheck and build");
    return EXIT.ok;
  }
  const { guard, results, ok, passed, failed, missing, skipped } = result;
  out.data({ guard, checks: results, ok });
  out.line("");
  for (const line of renderCheckSummary(results)) out.line(line);
  if (results.some((r) => r.status === "interrupted")) {
    out.line(out.yellow("Interrupted: the running check was stopped and recorded as interrupted."));
    out.next("firebreak check");
    return EXIT.blocked;
  }
  const again = `firebreak check${guard ? "" : " --checks-only"}`;
  if (!ok && failed.length > 0 && results.filter((r) => failed.includes(r.name)).every((r) => r.notFound)) {
    // Every failure is "command not found": the tools are not there, not the fix that is wrong.
    const install = result.installCommand;
    out.line(
      out.red(
        `${failed.length === results.filter((r) => r.logPath).length ? "No check could start" : `${failed.join(", ")} could not start`}: the command was not found.`,
      ),
    );
    for (const r of results.filter((r) => failed.includes(r.name))) out.line(`  ${r.name}: ${r.reason ?? "exit code 127"}`);
    out.line(install ? "The dependencies are likely not installed." : "The tools the checks call are likely not installed.");
    out.next(install ? `${install}   # then: ${again}` : `install what the checks call (see each log above), then: ${again}`);
    return EXIT.blocked;
  }
  if (!ok) {
    out.line(
      out.red(
        failed.length
          ? `Failed: ${failed.join(", ")}. Each log is listed above.`
          : "No check ran: configure checks.test (and typecheck, build) in .firebreak.yml.",
      ),
    );
    out.next(failed.length ? `read the log, fix it, then: ${again}` : "firebreak init --stdout   # shows the checks section");
    return EXIT.blocked;
  }
  const notRun = [
    ...(missing.length ? [`no command for ${missing.join(", ")}`] : []),
    ...(skipped.length ? [`skipped ${skipped.join(", ")}`] : []),
  ];
  out.success(
    `${incident.ticket}: ${guard ? `the change is minimal${guard.allowed.length ? " (with recorded overrides)" : ""} and ` : ""}the checks pass (ran: ${passed.join(", ")}${notRun.length ? `; ${notRun.join("; ")}` : ""}).`,
  );
  out.next(
    !committed
      ? 'confirm what you verified (firebreak confirm fixed), then: firebreak commit --root-cause "…"'
      : "firebreak pr   # the checked commit goes up with it",
  );
  return EXIT.ok;
}

/**
 * Pairs each --reason with the --allow or --skip written just before it, in the order typed
 * (commander collects each flag into its own list and loses that order).
 */
export function pairReasons(argv: readonly string[]): {
  allows: Array<{ rule: string; reason: string }>;
  skips: Array<{ name: string; reason: string }>;
} {
  const allows: Array<{ rule: string; reason: string }> = [];
  const skips: Array<{ name: string; reason: string }> = [];
  let last: { reason: string } | null = null; // the --allow or --skip a --reason would explain
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === "--") break;
    if (token === "--offline") {
      // --offline's own --reason (why the team server is gone without) explains no rule.
      if (/^--reason(=|$)/.test(argv[i + 1] ?? "")) i += argv[i + 1] === "--reason" ? 2 : 1;
      continue;
    }
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
    } else if (last && !last.reason) last.reason = value;
    else
      throw E.usage(
        "Each --reason follows the --allow <rule> or --skip <check> it explains.",
        'firebreak check --allow dependencies --reason "CVE-2026-1234 in jsonwebtoken"',
      );
  }
  // A flag left without its reason is refused by the check itself, when it comes to use it.
  return { allows, skips };
}
