// firebreak verify [--env production|staging] [--window 30m] [--no-rollback] [--no-incident]
// Smoke tests, then the metrics watched against the time before the deploy until the data allows a
// verdict. Exit 0 when verified, 5 on a regression or when the window ends without a verdict.

import type { CommandInput } from "../run-command.js";
import type { App } from "../../app/app.js";
import type { Incident } from "../../domain/types.js";
import type { VerifyEnvironment } from "../../config/schema-verify.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { parseWhen } from "../../domain/deadline.js";
import { E, EXIT, FirebreakError } from "../../errors.js";
import { afterWhat } from "../../verify/watch.js";
import { redact } from "../../redact.js";
import { stopSignal } from "../../stop.js";
import { captureBaseline, reachOf, settingsOf, type WatchPlan } from "../../workflow/verify.js";
import { describeReach } from "../../verify/reach.js";
import { describeSmoke } from "../../verify/smoke.js";
import { duration } from "../../verify/figures.js";
import { LiveBlock, plainProgress, renderWatch } from "../../verify/live-view.js";
import { isInteractive, shq } from "../format.js";
import { askText } from "../prompts.js";
import type { Output } from "../output.js";
import { verify } from "../../workflow/verify-run.js";

/** What runs a rollback after a regression: ship's rollback workflow. */
export type RollbackHook = (
  app: App,
  incident: Incident,
  opts: { reason: string; auto: boolean; out?: { info(line: string): void } },
) => Promise<unknown>;

/**
 * The rollback verify triggers on a regression (automatically when verify.autoRollback is set for the
 * level, or when the person says yes): ship's rollback workflow, loaded only when it is needed.
 */
export function rollbackHook(): RollbackHook | null {
  return async (app, incident, opts) => (await import("../../workflow/rollback.js")).rollback(app, incident, opts);
}

const ENVS: readonly VerifyEnvironment[] = ["production", "staging"];

/** "30m", "90s", "1h", "45" (minutes) → minutes. */
export function parseWindow(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?\s*$/i.exec(text);
  const n = m ? Number(m[1]) : Number.NaN;
  if (!m || !(n > 0)) throw E.usage(`--window ${JSON.stringify(text)} is not a duration.`, "firebreak verify --window 30m   # or 90s, 1h");
  const unit = (m[2] ?? "m").toLowerCase();
  const minutes = unit.startsWith("s") ? n / 60 : unit === "h" ? n * 60 : n;
  if (minutes > 240) throw E.usage(`--window ${text} is longer than 4 hours.`, "firebreak verify --window 60m");
  return minutes;
}

/** Minutes as --window takes them: "30m", or "90s" when not whole minutes. */
const windowText = (minutes: number): string => (Number.isInteger(minutes) ? `${minutes}m` : `${Math.round(minutes * 60)}s`);

async function findIncident(app: App, out: Output, opts: Record<string, unknown>): Promise<Incident | null> {
  if (opts.incident === false) return null;
  try {
    return await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined);
  } catch (e) {
    if (e instanceof FirebreakError && e.code === "NO_INCIDENT" && typeof opts.ticket !== "string") {
      out.info("No incident in progress here: the results are printed, not recorded.");
      return null;
    }
    throw e;
  }
}

const rollbackCommand = (incident: Incident | null, reason: string): string =>
  incident
    ? `firebreak rollback -t ${incident.ticket} --reason ${shq(`verify: ${reason}`)}`
    : "roll back with the tool that made the deploy";

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  const env = (typeof opts.env === "string" ? opts.env : "production") as VerifyEnvironment;
  if (!ENVS.includes(env))
    throw E.usage(`--env ${JSON.stringify(opts.env)} is not an environment: use production or staging.`, "firebreak verify --env staging");
  const windowMinutes = typeof opts.window === "string" ? parseWindow(opts.window) : undefined;
  if (opts.stopAtVerdict && opts.keepWatching)
    throw E.usage("--stop-at-verdict and --keep-watching cannot be used together.", "firebreak verify --keep-watching");
  const incident = await findIncident(app, out, opts);

  if (opts.runSampler) {
    const { runSampler } = await import("../../workflow/baseline-sampler.js");
    const stop = new AbortController();
    for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.once(sig, () => stop.abort());
    await runSampler(app, env, { signal: stop.signal });
    return EXIT.ok;
  }

  if (opts.captureBaseline && opts.background) {
    const { startSampler } = await import("../../workflow/baseline-sampler.js");
    const s = await startSampler(app, env, process.argv[1]);
    out.data({ env, sampler: s });
    if (!s.running)
      out.line(`No scrape or json metric for ${env} needs a baseline sampled (Prometheus and Sentry keep their own history).`);
    else
      out.success(
        `${s.started ? "Sampling" : "Already sampling"} the ${env} baseline in the background (pid ${s.pid}); ship takes it from there and stops it.`,
      );
    out.next(
      incident
        ? "firebreak ship --dry-run   # says what the watch could catch with what was sampled so far"
        : `firebreak verify --plan${env === "staging" ? " --env staging" : ""}`,
    );
    return EXIT.ok;
  }

  if (opts.plan) {
    const { planWatch } = await import("../../workflow/verify-plan.js");
    const plan = await planWatch(app, incident, env);
    out.data(plan);
    const s = plan.settings;
    if (plan.metrics.length === 0) out.line(`No metric is watched on ${env}: verify runs its smoke tests only.`);
    else
      out.line(
        `What a watch of ${env} could catch if the deploy were now (window ${duration(s.windowSeconds)}; in the first ${duration(s.warmupSeconds)} only a rate beyond ${s.warmupAllowance ?? 5}× the baseline rolls back):`,
      );
    for (const m of plan.metrics) out.line(`  ${m.canCatch ? out.green("✔") : out.yellow("!")} ${m.name}: ${m.says}`);
    const fix = plan.metrics.find((m) => !m.canCatch && m.fix)?.fix;
    out.next(fix ?? (incident ? "firebreak ship --dry-run" : `deploy, then: firebreak verify${env === "staging" ? " --env staging" : ""}`));
    return EXIT.ok;
  }

  if (opts.captureBaseline) {
    const captured = await captureBaseline(app, incident, env, { progress: (m) => out.info(m) });
    out.data({ env, baseline: captured, recorded: incident !== null });
    const names = Object.keys(captured.metrics);
    if (names.length === 0)
      out.line(`No scrape or json metric for ${env} needs a baseline sampled (Prometheus and Sentry keep their own history).`);
    else {
      out.success(
        `Baseline for ${env} sampled over ${duration(captured.seconds)}: ${names.join(", ")}${incident ? ` (on ${incident.ticket}'s record)` : ""}.`,
      );
      const settings = settingsOf((await app.config()).verify);
      for (const n of names) {
        const reach = reachOf(captured.metrics[n]!, settings, names.length);
        if (reach) out.line(`  ${out.dim("•")} ${n}: the watch ${describeReach(reach)}`);
      }
    }
    out.next(`deploy, then: firebreak verify${env === "staging" ? " --env staging" : ""}`);
    return EXIT.ok;
  }

  const since = typeof opts.since === "string" ? parseWhen(opts.since, app.clock.now(), (await app.config()).calendar.timeZone) : undefined;
  const interactive = isInteractive() && !out.json;
  const live = interactive ? new LiveBlock(process.stderr, redact) : null;
  const plain = plainProgress(10);
  // SIGINT, SIGTERM or SIGHUP ends the watch; what was seen is recorded (app/signals.ts).
  const stop = stopSignal();
  const where = incident ? `${incident.ticket} on ${env}` : env;
  const run = await verify(
    app,
    {
      incident,
      env,
      ...(windowMinutes !== undefined ? { windowMinutes } : {}),
      ...(since ? { since } : {}),
      rollback: opts.rollback !== false,
      ...(opts.stopAtVerdict ? { keepWatching: false } : opts.keepWatching ? { keepWatching: true } : {}),
      signal: stop,
    },
    (e) => {
      if (e.type === "info") out.info(e.line);
      else if (e.type === "smoke") out.info(describeSmoke(e.result));
      else if (e.type === "plan") showPlan(out, e.plan);
      else if (e.type === "tick") {
        if (live) live.draw(renderWatch(e.view));
        else for (const l of plain(e.view)) out.info(l);
      } else if (e.type === "verified-early") {
        const early = e.outcome;
        live?.detach();
        out.line("");
        out.success(`Verified ${where}, ${duration(early.decidedAfterSeconds ?? 0)} ${afterWhat(early)}.`);
        for (const f of early.figures) out.line(`  ${out.dim("•")} ${f}`);
        out.info(
          `Watching on until ${windowText(e.windowMinutes)} ${afterWhat(early)} for a regression that starts late; Ctrl-C stops watching and the fix stays verified.`,
        );
      }
    },
  );
  const { result, toldVerified } = run;
  const hook = rollbackHook();

  out.data(result);
  out.line("");
  if (result.ofRollback) {
    // The verdict is about the version a rollback put back, not the fix: say so in the headline.
    if (result.outcome === "verified")
      out.success(`After the rollback of ${where}: the version production went back to is healthy (the incident stays rolled back).`);
    else if (result.outcome === "regression")
      out.line(`${out.red("✖")} After the rollback of ${where}: the version production went back to is not healthy either.`);
    else
      out.line(
        `${out.yellow("!")} After the rollback of ${where}: no verdict on the version production went back to before the window ended.`,
      );
  } else if (result.unreadable)
    out.line(
      `${out.yellow("!")} Inconclusive on ${where}: verify stopped before the window ended, because every metric's last ${result.unreadable.failedReads} reads failed.`,
    );
  else if (result.outcome === "verified" && toldVerified)
    out.success(
      stop.aborted ? `Stopped watching ${where}; it stays verified.` : `${where} stayed healthy to the end of the window: still verified.`,
    );
  else if (result.outcome === "verified")
    out.success(
      `Verified ${where}${result.decidedAfterSeconds !== null ? `, ${duration(result.decidedAfterSeconds)} ${afterWhat(result)}` : ""}.`,
    );
  else if (result.outcome === "regression" && toldVerified)
    out.line(`${out.red("✖")} Regression on ${where} after it was verified: it began later.`);
  else if (result.outcome === "inconclusive" && toldVerified)
    out.line(`${out.yellow("!")} Inconclusive on ${where}: it was verified, but the rate has risen since.`);
  else if (result.outcome === "regression") out.line(`${out.red("✖")} Regression on ${where}.`);
  else out.line(`${out.yellow("!")} Inconclusive on ${where}: the window ended before the data allowed a verdict.`);
  out.line(`  ${result.summary}`);
  for (const f of result.figures) out.line(`  ${out.dim("•")} ${f}`);
  for (const m of result.unreadable?.metrics ?? [])
    out.line(`  ${out.dim("•")} ${m.name} (${m.config}${m.url ? `, ${m.url}` : ""}): ${m.error}`);
  if (!result.recorded && incident === null) out.line(out.dim("  (no incident: nothing was recorded)"));

  if (result.unreadable) {
    // Nothing could be read: the next step is the source, then the same watch again.
    const first = result.unreadable.metrics[0];
    const minutes = windowMinutes ?? (await app.config()).verify.windowMinutes;
    const again = `firebreak verify${env === "staging" ? " --env staging" : ""}${incident && typeof opts.ticket === "string" ? ` -t ${incident.ticket}` : ""}${incident === null && opts.incident === false ? " --no-incident" : ""} --window ${windowText(minutes)}`;
    out.next(`check that ${first?.url || "each metric's source"} answers${first?.url ? ` (curl ${shq(first.url)})` : ""}, then: ${again}`);
    return EXIT.blocked;
  }

  if (result.ofRollback) {
    // Production runs the version it went back to; the fix itself still needs another try.
    const ticket = incident!.ticket;
    out.next(
      result.outcome === "verified"
        ? "fix it, then: firebreak check && firebreak commit && firebreak pr && firebreak ship"
        : result.outcome === "regression"
          ? `firebreak status ${ticket}   # the rollback did not help: look for another cause (firebreak log ${ticket})`
          : `keep watching: firebreak verify -t ${ticket} --window 60m`,
    );
    return result.outcome === "verified" ? EXIT.ok : EXIT.blocked;
  }
  if (result.outcome === "verified") {
    const told = run.announcedResolved;
    out.next(
      env === "production"
        ? incident
          ? told
            ? "firebreak backport   # then: firebreak review --write"
            : "firebreak announce --stage resolved"
          : "nothing: the deploy is verified"
        : "firebreak ship --to production",
    );
    return EXIT.ok;
  }
  if (result.outcome === "inconclusive") {
    out.next(
      `keep watching: firebreak verify${env === "staging" ? " --env staging" : ""} --window 60m   # or decide by hand: ${rollbackCommand(incident, result.reason)}`,
    );
    return EXIT.blocked;
  }
  // Regression.
  if (result.rollback === "automatic") {
    out.line(`Rolled back automatically (verify.autoRollback is set for ${incident!.priority}).`);
    out.next(`firebreak status ${incident!.ticket}`);
    return EXIT.blocked;
  }
  if (result.rollback === "disabled") out.line("--no-rollback: nothing was rolled back.");
  if (result.rollback === "unavailable")
    out.warn(`verify.autoRollback is set for ${incident!.priority}, but this build cannot run a rollback from verify.`);
  if (result.rollback === "ask" && incident && hook && interactive) {
    const answer = (await askText(`Roll back ${incident.ticket} now? [y/N]`)).toLowerCase();
    if (answer === "y" || answer === "yes") {
      await hook(app, incident, { reason: `verify: ${result.reason}`, auto: false, out });
      out.success(`Rolled back ${incident.ticket}.`);
      out.next(`firebreak status ${incident.ticket}`);
      return EXIT.blocked;
    }
  }
  out.next(rollbackCommand(incident, result.reason));
  return EXIT.blocked;
}

function showPlan(out: Output, plan: WatchPlan): void {
  const { settings } = plan;
  out.info(
    `Watching ${plan.metrics.length} metric${plan.metrics.length === 1 ? "" : "s"} for up to ${duration(settings.windowSeconds)} ${afterWhat(settings)} (warm-up ${duration(settings.warmupSeconds)}: only a rate beyond ${settings.warmupAllowance ?? 5}× rolls back in it; read every ${duration(settings.intervalSeconds)}; false rollback ≤ ${settings.alpha * 100}%, missed ${settings.regressionRatio}× regression ≤ ${settings.beta * 100}%).`,
  );
  for (const m of plan.metrics)
    out.info(
      `  ${m.name}: ${m.describes}; baseline ${m.baseline.how === "fraction" ? "configured" : `${m.baseline.how} over ${duration(m.baseline.seconds)}`}`,
    );
  for (const n of plan.notes) out.info(n);
}
