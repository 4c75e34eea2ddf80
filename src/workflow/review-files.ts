// The post-incident review (`firebreak review --write`) is written into the work tree, next to the
// fix, but it belongs on the production branch, not in the hotfix. While it is untracked, `check`
// leaves it out of the guard's change and of the tree the checks vouch for, so writing the review
// never makes the next fix look bigger or its checks look stale.

import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname, isAbsolute, posix, relative, resolve, sep } from "node:path";
import type { WorkflowDeps } from "./deps.js";
import type { Incident } from "../domain/types.js";
import { reviewPaths, type ReviewPaths } from "./review.js";

/** Untracked files of this incident's review (its .md, .html, .ics and charts), relative to the root. */
export async function untrackedReviewFiles(app: WorkflowDeps, incident: Incident): Promise<string[]> {
  const root = await app.repoRoot();
  const paths = reviewPaths({ cwd: app.cwd, repoRoot: root, config: await app.config() }, incident);
  const dir = relative(root, paths.dir).split(sep).join("/");
  if (dir.startsWith("..")) return []; // written outside the repository: nothing to leave out
  // From the top of the repository, whichever directory the command runs in.
  const r = await app.git.raw(["ls-files", "-z", "--full-name", "--others", "--exclude-standard", "--", `:(top,literal)${dir}`]);
  if (r.code !== 0) return [];
  return r.stdout
    .split("\0")
    .filter((p) => p !== "" && posix.dirname(p) === (dir === "" ? "." : dir) && posix.basename(p).startsWith(paths.base));
}

/**
 * Keeps the review's files out of every commit made in this clone (`git add -A` included) by
 * listing them in .git/info/exclude, which is never committed. The review goes onto production
 * in a commit of its own, added with --force; see reviewCommitSteps. Returns the pattern added,
 * or null when the review is outside the repository.
 */
export async function keepReviewOutOfCommits(app: WorkflowDeps, paths: ReviewPaths): Promise<string | null> {
  const root = await app.repoRoot();
  const dir = relative(root, paths.dir).split(sep).join("/");
  if (dir.startsWith("..") || isAbsolute(dir)) return null;
  const pattern = `/${dir === "" ? "" : `${dir}/`}${paths.base.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`)}.*`;
  const where = await app.git.raw(["rev-parse", "--git-path", "info/exclude"]);
  if (where.code !== 0) return null;
  const file = resolve(app.cwd, where.stdout.trim());
  const current = await readFile(file, "utf8").catch(() => "");
  if (current.split("\n").includes(pattern)) return pattern;
  await mkdir(dirname(file), { recursive: true });
  const lead = current === "" || current.endsWith("\n") ? "" : "\n";
  await appendFile(file, `${lead}# firebreak: the post-incident review belongs on production, in its own commit\n${pattern}\n`);
  return pattern;
}

/** The commands that put the review on production, as its own commit; `pattern` as keepReviewOutOfCommits returned it. */
export function reviewCommitSteps(incident: Incident, pattern: string): string {
  const add = pattern.slice(1);
  return `git switch ${incident.base} && git pull --ff-only && git add --force -- ${add} && git commit -m "docs: post-incident review of ${incident.ticket}" && git push ${incident.remote} ${incident.base}   # or open a PR for it`;
}
