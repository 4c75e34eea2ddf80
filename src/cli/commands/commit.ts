// firebreak commit: commits the staged fix with `fix: <brief>`, what was broken, the root cause,
// and Ticket/Priority trailers (workflow/commit.ts). Here: the flags, the questions a person at a
// terminal is asked for what the flags and the record left out, and what is printed.

import { incidentState } from "../../domain/state/state.js";
import type { CommandInput } from "../run-command.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { applyCommit, missingAnswerError, planCommit } from "../../workflow/commit.js";
import { isInteractive } from "../format.js";
import { askText } from "../prompts.js";
import { bool, str, type RawOptions } from "./options.js";

export interface CommitOptions {
  ticket?: string;
  reopen: boolean;
  what?: string;
  rootCause?: string;
  brief?: string;
}

export const commitOptions = (opts: RawOptions): CommitOptions => ({
  ticket: str(opts.ticket),
  reopen: bool(opts.reopen),
  what: str(opts.what),
  rootCause: str(opts.rootCause),
  brief: str(opts.brief),
});

export async function run({ app, out, opts: raw }: CommandInput): Promise<number> {
  const opts = commitOptions(raw);
  const plan = await planCommit(app, { ...opts, incident: await resolveIncident(app, opts.ticket) });
  if (plan.kind === "commit") {
    for (const m of plan.missing) {
      if (!isInteractive()) throw missingAnswerError(m);
      const typed = await askText(m.question);
      if (!typed) throw missingAnswerError(m);
      plan.answers[m.key] = typed;
    }
  }
  const result = await applyCommit(app, plan);
  if (result.adopted) {
    out.data({ commit: result.commit, adopted: true });
    out.success(`Recorded the earlier commit ${result.commit.sha.slice(0, 10)} for ${plan.ticket}.`);
    out.next("firebreak pr");
    return 0;
  }
  const facts = result.commit;
  out.data({ commit: facts, message: result.message });
  out.success(`Committed ${facts.sha.slice(0, 10)}: ${result.subject}`);
  // The guard reads the whole fix, not one commit: a test an earlier commit of the fix added counts.
  const store = await app.store();
  const earlier = incidentState(await store.timeline(plan.incidentId))
    .commits.filter((c) => c.sha !== facts.sha)
    .flatMap((c) => c.testFiles);
  const fixTests = [...new Set([...facts.testFiles, ...earlier])];
  out.fields([
    ["files", String(facts.files.length)],
    [
      "tests",
      facts.testFiles.length
        ? facts.testFiles.join(", ")
        : fixTests.length
          ? `none in this commit; the fix's earlier commits have ${fixTests.join(", ")}`
          : out.yellow("none: the guard will block this"),
    ],
  ]);
  out.next(
    fixTests.length
      ? "firebreak pr   # (run firebreak check again first if you changed anything since it passed)"
      : "add a regression test, then: firebreak check",
  );
  return 0;
}
