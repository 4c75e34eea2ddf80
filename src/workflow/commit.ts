// The commit operation: the staged fix committed as `fix: <brief>` with what was broken, the root
// cause and the Ticket/Priority trailers, through the effect journal like every other change to
// the world. A run killed between `git commit` and the record leaves an intent; the next run asks
// git (HEAD is an unrecorded commit of this ticket) and records that commit instead of a second.
//
// planCommit says what is needed (the answers still missing are listed, so a caller can ask a
// person, an agent or fail); applyCommit commits. Neither prompts nor prints.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Incident } from "../domain/types.js";
import type { WorkflowDeps } from "./deps.js";
import { refuseIfShipped } from "./shipped.js";
import { effect } from "./effect.js";
import { renderCommitMessage } from "../render/commit-message.js";
import { DEFAULT_TEST_PATTERNS } from "../guard/defaults.js";
import { matchesAny } from "../guard/glob.js";
import { E } from "../errors.js";

export interface CommitInput {
  incident: Incident;
  reopen?: boolean;
  /** What was broken, as users saw it; else the one on the record. */
  what?: string;
  rootCause?: string;
  /** The subject after "fix: "; else the incident's title. */
  brief?: string;
}

export type AnswerKey = "whatWasBroken" | "rootCause";

/** An answer the commit message needs that neither the input nor the record gave. */
export interface MissingAnswer {
  key: AnswerKey;
  flag: "--what" | "--root-cause";
  question: string;
}

export type CommitPlan =
  | { kind: "adopt"; incidentId: string; ticket: string; key: string; head: string }
  | {
      kind: "commit";
      incidentId: string;
      ticket: string;
      priority: Incident["priority"];
      key: string;
      staged: string[];
      brief: string;
      answers: Partial<Record<AnswerKey, string>>;
      missing: MissingAnswer[];
    };

export interface CommitFacts {
  sha: string;
  files: Array<{ path: string; added: number; deleted: number }>;
  testFiles: string[];
  testCases: string[];
}

export interface CommitOutcome {
  commit: CommitFacts;
  /** The full message; absent when an earlier run's commit was recorded instead. */
  message?: string;
  subject: string;
  /** An earlier run (or a person) made this commit; it is only recorded now. */
  adopted: boolean;
}

const QUESTIONS: MissingAnswer[] = [
  { key: "whatWasBroken", flag: "--what", question: "What was broken?" },
  { key: "rootCause", flag: "--root-cause", question: "What was the root cause?" },
];

export async function planCommit(deps: WorkflowDeps, input: CommitInput): Promise<CommitPlan> {
  const incident = await refuseIfShipped(deps, input.incident, "commit", Boolean(input.reopen));
  const branch = await deps.git.currentBranch();
  if (branch !== incident.branch)
    throw E.usage(`You are on ${branch ?? "a detached HEAD"}, not on ${incident.ticket}'s branch.`, `git switch ${incident.branch}`);
  // One journal entry per commit of the incident: the next one is numbered after those recorded.
  const store = await deps.store();
  const recorded = (await store.timeline(incident.id)).filter((e) => e.kind === "commit.created");
  const key = `commit:${recorded.length + 1}`;

  const staged = (await deps.git.git(["diff", "--cached", "--name-only", "-z"])).split("\0").filter(Boolean);
  if (staged.length === 0) {
    // A commit made by an earlier run that stopped before recording it is adopted, not repeated.
    const head = await unrecordedCommitOf(deps, incident);
    if (head) return { kind: "adopt", incidentId: incident.id, ticket: incident.ticket, key, head };
    throw E.usage("Nothing is staged to commit.", "git add <the fix and its test>, then: firebreak commit");
  }
  const given: Record<AnswerKey, string | undefined> = { whatWasBroken: input.what, rootCause: input.rootCause };
  const answers: Partial<Record<AnswerKey, string>> = {};
  const missing: MissingAnswer[] = [];
  for (const q of QUESTIONS) {
    const stored = incident.data[q.key];
    const answer = given[q.key]?.trim() ? given[q.key] : typeof stored === "string" && stored.trim() ? stored : undefined;
    if (answer) answers[q.key] = answer;
    else missing.push(q);
  }
  const brief = input.brief?.trim() ? input.brief : incident.title;
  return {
    kind: "commit",
    incidentId: incident.id,
    ticket: incident.ticket,
    priority: incident.priority,
    key,
    staged,
    brief,
    answers,
    missing,
  };
}

/** The error for an answer nobody gave: the flag that gives it. */
export const missingAnswerError = (m: MissingAnswer) => E.missingInput(`${m.flag} "…"`, m.question.replace(/\?$/, ""));

export async function applyCommit(deps: WorkflowDeps, plan: CommitPlan): Promise<CommitOutcome> {
  const ed = await deps.effectDeps();
  const incident = await ed.store.getIncident(plan.incidentId);
  if (!incident) throw E.noIncident(`for ${plan.ticket}`);
  const adopt = async (): Promise<CommitOutcome | null> => {
    const head = await unrecordedCommitOf(deps, incident);
    if (!head) return null;
    const subject = (await deps.git.git(["log", "-1", "--format=%s", "--end-of-options", head])).trim();
    return { commit: await commitFacts(deps, head), subject, adopted: true };
  };
  const asEvent = (o: CommitOutcome) => ({
    ...o.commit,
    subject: o.subject,
    summary: `${o.commit.sha.slice(0, 10)} ${o.subject}`,
    ...(o.adopted ? { adopted: true } : {}),
  });

  if (plan.kind === "adopt") {
    const done = await effect(ed, plan.incidentId, plan.key, {
      kind: "commit.created",
      intent: { head: plan.head },
      reconcile: async () => {
        const found = await adopt();
        return found ? asEvent(found) : null;
      },
      perform: async () => {
        const found = await adopt();
        if (!found) throw E.usage("Nothing is staged to commit.", "git add <the fix and its test>, then: firebreak commit");
        return asEvent(found);
      },
    });
    return fromEvent(done.result, undefined);
  }

  const missing = plan.missing.filter((m) => !plan.answers[m.key]?.trim());
  if (missing.length) throw missingAnswerError(missing[0]!);
  const whatWasBroken = plan.answers.whatWasBroken!;
  const rootCause = plan.answers.rootCause!;
  const message = renderCommitMessage({ brief: plan.brief, whatWasBroken, rootCause, ticket: plan.ticket, priority: plan.priority });
  const subject = message.split("\n")[0]!;
  const done = await effect(ed, plan.incidentId, plan.key, {
    kind: "commit.created",
    intent: { subject, files: plan.staged.length },
    // Killed after `git commit` and before the record: HEAD is then that commit, unrecorded.
    reconcile: async () => {
      const found = await adopt();
      return found ? asEvent(found) : null;
    },
    perform: async () => {
      await gitCommit(deps, message);
      return asEvent({ commit: await commitFacts(deps, await deps.git.headSha()), subject, adopted: false });
    },
  });
  // The answers go on the record for the PR, the messages and the review.
  await ed.store.updateIncident(plan.incidentId, { data: { rootCause, whatWasBroken } });
  return fromEvent(done.result, message);
}

function fromEvent(data: Record<string, unknown>, message: string | undefined): CommitOutcome {
  const d = data as unknown as CommitFacts & { subject: string; adopted?: boolean };
  const adopted = Boolean(d.adopted);
  return {
    commit: { sha: d.sha, files: d.files, testFiles: d.testFiles, testCases: d.testCases },
    subject: d.subject,
    adopted,
    ...(message && !adopted ? { message } : {}),
  };
}

/** The message goes through a file: people's text never passes through a command line. */
async function gitCommit(deps: WorkflowDeps, message: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-commit-"));
  try {
    const file = join(dir, "MESSAGE");
    writeFileSync(file, message);
    await deps.git.git(["commit", "--cleanup=whitespace", "-F", file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** HEAD, when it carries this incident's Ticket trailer and no commit.created records it yet. */
async function unrecordedCommitOf(deps: WorkflowDeps, incident: Incident): Promise<string | null> {
  const head = await deps.git.headSha();
  const store = await deps.store();
  const recorded = (await store.timeline(incident.id)).some((e) => e.kind === "commit.created" && e.data.sha === head);
  if (recorded) return null;
  const trailers = await deps.git.git(["log", "-1", "--format=%(trailers:key=Ticket,valueonly)", "--end-of-options", head]);
  return trailers.trim() === incident.ticket ? head : null;
}

/** Files, line counts, test files and the names of test cases the commit adds. */
export async function commitFacts(deps: Pick<WorkflowDeps, "git" | "config">, sha: string): Promise<CommitFacts> {
  const numstat = await deps.git.git(["show", "--numstat", "--format=", "-z", "--end-of-options", sha]);
  const files = numstat
    .split("\0")
    .filter(Boolean)
    .map((entry) => {
      const [added, deleted, ...rest] = entry.split("\t");
      return { path: rest.join("\t").replace(/^\n/, ""), added: Number(added) || 0, deleted: Number(deleted) || 0 };
    })
    .filter((f) => f.path);
  const config = await deps.config();
  const patterns = config.guard.testPatterns ?? DEFAULT_TEST_PATTERNS;
  const testFiles = files.map((f) => f.path).filter((p) => matchesAny(p, patterns));
  return { sha, files, testFiles, testCases: testFiles.length ? await addedTestCases(deps, sha, testFiles) : [] };
}

/** The names of the test cases the commit adds to its test files (JS/TS, Python, Go, Rust). */
async function addedTestCases(deps: Pick<WorkflowDeps, "git">, sha: string, testFiles: string[]): Promise<string[]> {
  const testCases: string[] = [];
  const patch = await deps.git.git(["show", "-U0", "--format=", "--end-of-options", sha, "--", ...testFiles]);
  for (const line of patch.split("\n")) {
    if (!line.startsWith("+") || line.startsWith("+++")) continue;
    const m =
      /\b(?:it|test|describe)(?:\.\w+)?\(\s*(["'`])(.+?)\1/.exec(line) ?? // JS/TS
      /\bdef (test_\w+)/.exec(line) ?? // Python
      /\bfunc (Test\w+)\(/.exec(line) ?? // Go
      /#\[test\]\s*fn (\w+)|fn (test_\w+)/.exec(line); // Rust
    const name = m?.[2] ?? m?.[1];
    if (name && !testCases.includes(name)) testCases.push(name);
  }
  return testCases;
}
