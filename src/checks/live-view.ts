// The live view for terminals: one listr2 row per check, its command shown while it runs.
// Ctrl-C belongs to the CLI (it aborts opts.signal), so listr2's own signal handling is off.

import { Listr } from "listr2";
import type { CheckResult, RunChecksOptions } from "./run-checks.js";
import { formatDuration, runCheck, validateSelection } from "./run-checks.js";
import { redact } from "../redact.js";

export interface LiveViewOptions extends RunChecksOptions {
  /** "default" on a terminal; "simple" or "silent" elsewhere (tests). */
  renderer?: "default" | "simple" | "silent";
}

export async function runChecksLive(
  checks: Array<{ name: string; command: string | null }>,
  opts: LiveViewOptions,
): Promise<CheckResult[]> {
  validateSelection(checks, opts);
  const results: CheckResult[] = [];
  const list = new Listr(
    checks.map((check) => ({
      // Output reaches the view already redacted (run-checks.ts); the titles are redacted here.
      title: redact(check.command ? `${check.name}: ${check.command}` : check.name),
      task: async (_ctx: unknown, task: { title: string; output: string; skip: (m?: string) => void }) => {
        const result = await runCheck(check, {
          ...opts,
          onEvent: (e) => {
            if (e.type === "output")
              task.output = redact(
                e.chunk
                  .trimEnd()
                  .split(/\r?\n|\r/)
                  .pop() ?? "",
              );
            opts.onEvent?.(e);
          },
        });
        results.push(result);
        opts.onEvent?.({ type: "end", result });
        const time = result.logPath ? ` (${formatDuration(result.durationMs)})` : "";
        if (result.status === "skipped" || result.status === "missing")
          return task.skip(redact(`${check.name} ${result.status}: ${result.reason ?? ""}`));
        task.title = redact(
          `${check.name} ${result.status}${time}${result.logPath && result.status !== "passed" ? ` log: ${result.logPath}` : ""}`,
        );
        if (result.status !== "passed")
          throw new Error(redact(`${check.name} ${result.status}${result.reason ? `: ${result.reason}` : ""}`));
      },
    })),
    {
      concurrent: false,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: opts.renderer ?? "default",
      fallbackRenderer: "simple",
    },
  );
  await list.run().catch(() => undefined); // failures are results, reported by the caller
  return results;
}
