// firebreak commit: commits the staged fix with `fix: <brief>`, what was broken, the root cause,
// and Ticket/Priority trailers. The root cause goes on the record for the PR, messages and review.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandInput } from "../run-command.js";
import type { App } from "../../app/app.js";
import type { Incident } from "../../domain/types.js";
import { resolveIncident } from "../../app/resolve-incident.js";
import { refuseIfShipped } from "../../workflow/shipped.js";
import { renderCommitMessage } from "../../render/commit-message.js";
import { DEFAULT_TEST_PATTERNS } from "../../guard/defaults.js";
import { matchesAny } from "../../guard/glob.js";
import { E } from "../../errors.js";
import { isInteractive } from "../format.js";
import { askText } from "../prompts.js";

export async function run({ app, out, opts }: CommandInput): Promise<number> {
  const incident = await refuseIfShipped(app, await resolveIncident(app, typeof opts.ticket === "string" ? opts.ticket : undefined), "commit", Boolean(opts.reopen));
  const branch = await app.git.currentBranch();
  if (branch !== incident.branch)
    throw E.usage(`You are on ${branch ?? "a detached HEAD"}, not on ${incident.ticket}'s branch.`, `git switch ${incident.branch}`);

  const staged = (await app.git.git(["diff", "--cached", "--name-only", "-z"])).split("\0").filter(Boolean);
  if (staged.length === 0) {
    // A commit made by an earlier run that stopped before recording it is adopted, not repeated.
    const adopted = await adoptUnrecorded(app, incident);
    if (adopted) {
      out.data({ commit: adopted, adopted: true });
      out.success(`Recorded the earlier commit ${adopted.sha.slice(0, 10)} for ${incident.ticket}.`);
      out.next("firebreak pr");
      return 0;
    }
    throw E.usage("Nothing is staged to commit.", "git add <the fix and its test>, then: firebreak commit");
  }

  const answer = async (flag: string, key: "whatWasBroken" | "rootCause", question: string): Promise<string> => {
    const given = opts[flag === "--what" ? "what" : "rootCause"];
    if (typeof given === "string" && given.trim()) return given;
    const stored = incident.data[key];
    if (typeof stored === "string" && stored.trim()) return stored;
    if (!isInteractive()) throw E.missingInput(`${flag} "…"`, question.replace(/\?$/, ""));
    const typed = await askText(question);
    if (!typed) throw E.missingInput(`${flag} "…"`, question.replace(/\?$/, ""));
    return typed;
  };
  const whatWasBroken = await answer("--what", "whatWasBroken", "What was broken?");
  const rootCause = await answer("--root-cause", "rootCause", "What was the root cause?");
  const brief = typeof opts.brief === "string" && opts.brief.trim() ? opts.brief : incident.title;
  const message = renderCommitMessage({ brief, whatWasBroken, rootCause, ticket: incident.ticket, priority: incident.priority });

  // The message goes through a file: people's text never passes through a command line.
  const dir = mkdtempSync(join(tmpdir(), "firebreak-commit-"));
  try {
    const file = join(dir, "MESSAGE");
    writeFileSync(file, message);
    await app.git.git(["commit", "--cleanup=whitespace", "-F", file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const facts = await commitFacts(app, await app.git.headSha());
  const store = await app.store();
  await store.updateIncident(
    incident.id,
    { data: { rootCause, whatWasBroken } },
    { at: app.clock.now().toISOString(), actor: await app.actor(), kind: "commit.created", data: { ...facts, subject: message.split("\n")[0], summary: `${facts.sha.slice(0, 10)} ${message.split("\n")[0]}` } },
  );
  out.data({ commit: facts, message });
  out.success(`Committed ${facts.sha.slice(0, 10)}: ${message.split("\n")[0]}`);
  out.fields([
    ["files", String(facts.files.length)],
    ["tests", facts.testFiles.length ? facts.testFiles.join(", ") : out.yellow("none: the guard will block this")],
  ]);
  out.next(facts.testFiles.length ? "firebreak pr   # (run firebreak check again first if you changed anything since it passed)" : "add a regression test, then: firebreak check");
  return 0;
}

export interface CommitFacts {
  sha: string;
  files: Array<{ path: string; added: number; deleted: number }>;
  testFiles: string[];
  testCases: string[];
}

/** Files, line counts, test files and the names of test cases the commit adds. */
export async function commitFacts(app: App, sha: string): Promise<CommitFacts> {
  const numstat = await app.git.git(["show", "--numstat", "--format=", "-z", "--end-of-options", sha]);
  const files = numstat
    .split("\0")
    .filter(Boolean)
    .map((entry) => {
      const [added, deleted, ...rest] = entry.split("\t");
      return { path: rest.join("\t").replace(/^\n/, ""), added: Number(added) || 0, deleted: Number(deleted) || 0 };
    })
    .filter((f) => f.path);
  const config = await app.config();
  const patterns = config.guard.testPatterns ?? DEFAULT_TEST_PATTERNS;
  const testFiles = files.map((f) => f.path).filter((p) => matchesAny(p, patterns));
  const testCases: string[] = [];
  if (testFiles.length) {
    const patch = await app.git.git(["show", "-U0", "--format=", "--end-of-options", sha, "--", ...testFiles]);
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
  }
  return { sha, files, testFiles, testCases };
}

async function adoptUnrecorded(app: App, incident: Incident): Promise<CommitFacts | null> {
  const head = await app.git.headSha();
  const store = await app.store();
  const recorded = (await store.timeline(incident.id)).some((e) => e.kind === "commit.created" && e.data.sha === head);
  if (recorded) return null;
  const trailers = await app.git.git(["log", "-1", "--format=%(trailers:key=Ticket,valueonly)", "--end-of-options", head]);
  if (trailers.trim() !== incident.ticket) return null;
  const facts = await commitFacts(app, head);
  const subject = (await app.git.git(["log", "-1", "--format=%s", "--end-of-options", head])).trim();
  await store.appendEvent(incident.id, { at: app.clock.now().toISOString(), actor: await app.actor(), kind: "commit.created", data: { ...facts, subject, summary: `${head.slice(0, 10)} ${subject}`, adopted: true } });
  return facts;
}
