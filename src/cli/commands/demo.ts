// firebreak demo [--scenario fix|regression] [--keep]
// A whole P0 on a real sandbox, through the real commands; see src/demo/run.ts.

import type { CommandInput } from "../run-command.js";
import { E } from "../../errors.js";
import { runDemo, type Scenario } from "../../demo/run.js";

export async function run({ out, opts }: CommandInput): Promise<number> {
  const scenario = (opts.scenario ?? "fix") as string;
  if (scenario !== "fix" && scenario !== "regression") {
    throw E.usage(`"${scenario}" is not a demo scenario.`, "firebreak demo --scenario regression", [
      "fix: the fix ships and is verified",
      "regression: a bad fix ships and is rolled back automatically",
    ]);
  }
  const entry = process.argv[1] ?? "";
  // The demo's own narration goes to stdout with the commands' output, in order.
  const write = (text: string) => {
    if (!out.json) process.stdout.write(text);
  };
  const summary = await runDemo({
    scenario: scenario as Scenario,
    verbose: Boolean(opts.verbose),
    team: Boolean(opts.team),
    keep: Boolean(opts.keep),
    entry,
    color: out.color,
    write,
  });
  out.data(summary);
  out.line("");
  out.line(
    out.bold(
      summary.outcome === "verified"
        ? "The fix is verified in production."
        : summary.outcome === "rolled-back"
          ? "The bad fix was caught and rolled back."
          : "The demo did not finish.",
    ),
  );
  out.fields([
    ["start → " + (summary.outcome === "rolled-back" ? "rollback" : "verified"), summary.startToOutcome ?? "-"],
    ["deadline left", summary.deadlineLeft ?? "-"],
    ["commands run", String(summary.commands)],
    ["running now", summary.runningVersion ?? "(stopped)"],
    ["whole demo", `${summary.seconds} s`],
    ...summary.files.map((f): [string, string] => [f.label, f.path]),
  ]);
  if (!opts.keep) out.line(out.dim("The sandbox was removed (what it wrote is copied above); run with --keep to look around in it."));
  else out.line(out.dim(`The sandbox is kept at ${summary.sandbox}; its service was stopped.`));
  out.next(
    opts.keep
      ? `cd ${summary.sandbox}/api && node ${entry} log`
      : "firebreak init   # in your own repository (README: On your own repository)",
  );
  return summary.outcome === "unfinished" ? 1 : 0;
}
