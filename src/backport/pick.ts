// A cherry-pick computed without a checkout: the result tree is built from objects only, so the
// user's work tree, index and HEAD are never touched and no 100,000-file checkout is written.
//   git ≥ 2.40: git merge-tree --write-tree --merge-base=<fix>^ <onto> <fix>   (merge-ort)
//   older git:  a temporary index: read-tree <onto>; git apply --cached --3way; write-tree

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { E } from "../errors.js";
import { gitLine, gitOk, gitRaw, pickMode } from "./git-run.js";
import type { PickMethod } from "./types.js";

export type PickOutcome = { clean: true; tree: string; method: PickMethod } | { clean: false; files: string[] };

export interface CommitInfo {
  sha: string;
  parents: string[];
  tree: string;
  authorName: string;
  authorEmail: string;
  authorDate: string; // git's raw form: "<epoch> <+zone>"
  message: string;
}

/** Reads a commit's raw header so the author (name, email, date and zone) is kept exactly. */
export async function readCommit(cwd: string, sha: string): Promise<CommitInfo> {
  const raw = await gitOk(cwd, ["cat-file", "commit", sha]);
  const split = raw.indexOf("\n\n");
  const header = split < 0 ? raw : raw.slice(0, split);
  const message = split < 0 ? "" : raw.slice(split + 2);
  const parents: string[] = [];
  let tree = "";
  let author: RegExpExecArray | null = null;
  for (const line of header.split("\n")) {
    if (line.startsWith("tree ")) tree = line.slice(5);
    else if (line.startsWith("parent ")) parents.push(line.slice(7));
    else if (line.startsWith("author ")) author = /^author (.*) <([^>]*)> (\d+ [+-]\d{4})$/.exec(line);
  }
  if (!author || !tree) throw E.git(`Cannot read the author of commit ${sha}.`);
  return { sha, parents, tree, authorName: author[1] ?? "", authorEmail: author[2] ?? "", authorDate: author[3] ?? "", message };
}

/** The message `git cherry-pick -x` would write: the original plus "(cherry picked from commit …)". */
export function cherryPickMessage(message: string, sha: string): string {
  const body = message.replace(/\s+$/, "");
  const line = `(cherry picked from commit ${sha})`;
  if (body === "") return `${line}\n`;
  const last = body.split(/\n\s*\n/).pop() ?? "";
  // A closing trailer block (Signed-off-by:, Co-authored-by:) takes the line without a blank line.
  const trailers = body.includes("\n\n") && last.split("\n").every((l) => /^[\w-]+: /.test(l));
  return `${body}${trailers ? "\n" : "\n\n"}${line}\n`;
}

/** Writes the picked commit on top of `parent`, keeping the original author. */
export async function commitPick(cwd: string, parent: string, tree: string, fix: CommitInfo): Promise<string> {
  return gitLine(cwd, ["commit-tree", tree, "-p", parent, "-F", "-"], {
    input: cherryPickMessage(fix.message, fix.sha),
    env: { GIT_AUTHOR_NAME: fix.authorName, GIT_AUTHOR_EMAIL: fix.authorEmail, GIT_AUTHOR_DATE: fix.authorDate },
  });
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "firebreak-backport-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Paths with unmerged entries in an index. */
export async function unmergedPaths(cwd: string, index: string): Promise<string[]> {
  const out = await gitOk(cwd, ["ls-files", "--unmerged", "-z"], { index });
  const paths = new Set<string>();
  for (const entry of out.split("\0")) {
    const tab = entry.indexOf("\t");
    if (tab > 0) paths.add(entry.slice(tab + 1));
  }
  return [...paths];
}

// Fixed prefixes and no external diff, whatever the user's diff.* config says: apply needs a/ b/.
const DIFF_FLAGS = ["--binary", "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative", "--src-prefix=a/", "--dst-prefix=b/"];

/** Applies `patch` to `onto`'s tree in a private index and writes the tree, or lists the conflicts. */
export async function applyInTempIndex(
  cwd: string,
  dir: string,
  onto: string,
  patch: string,
  applyFlags: string[],
): Promise<PickOutcome & { unmerged?: boolean }> {
  const index = join(dir, "index");
  await rm(index, { force: true });
  await gitOk(cwd, ["read-tree", onto], { index });
  const applied = await gitRaw(cwd, ["apply", "--cached", ...applyFlags, patch], { index });
  if (applied.code !== 0) {
    const files = await unmergedPaths(cwd, index);
    // A patch that cannot even be placed (a missing file) has no unmerged entries: name what git said.
    const named = [...applied.stderr.matchAll(/^error: (?:patch failed: )?([^:\n]+):/gm)].map((m) => m[1] ?? "");
    return { clean: false, files: files.length > 0 ? files : [...new Set(named.filter((n) => n !== ""))] };
  }
  return { clean: true, tree: await gitLine(cwd, ["write-tree"], { index }), method: "index-3way" };
}

/** Cherry-picks `fix` (one parent) onto the commit `onto` without a checkout. */
export async function pickOnto(cwd: string, onto: string, fix: CommitInfo): Promise<PickOutcome> {
  const parent = fix.parents[0];
  if (fix.parents.length !== 1 || parent === undefined)
    throw E.usage(`Commit ${fix.sha} is a merge or root commit; backport its commits one by one.`);
  // An empty commit changes nothing: the result is the target as it is.
  if (fix.tree === (await gitLine(cwd, ["rev-parse", `${parent}^{tree}`])))
    return { clean: true, tree: await gitLine(cwd, ["rev-parse", `${onto}^{tree}`]), method: "index-3way" };
  const mode = await pickMode(cwd);
  if (mode === "merge-base") return mergeTreePick(cwd, onto, parent, fix.sha, true);
  if (mode === "synthetic") return syntheticPick(cwd, onto, parent, fix);
  return withTempDir(async (dir) => {
    const patch = join(dir, "fix.patch");
    await gitOk(cwd, ["diff", ...DIFF_FLAGS, `--output=${patch}`, parent, fix.sha]);
    return applyInTempIndex(cwd, dir, onto, patch, ["--3way"]);
  });
}

// `--merge-base` is passed only when pickMode() says git ≥ 2.40; this machine's git (2.39) lacks it.
async function mergeTreePick(cwd: string, onto: string, base: string, fix: string, explicitBase: boolean): Promise<PickOutcome> {
  const r = await gitRaw(cwd, [
    "merge-tree",
    "--write-tree",
    "--name-only",
    "--no-messages",
    "-z",
    ...(explicitBase ? [`--merge-base=${base}`] : []),
    onto,
    fix,
  ]);
  const [tree = "", ...rest] = r.stdout.split("\0");
  if (r.code === 0) return { clean: true, tree: tree.trim(), method: "merge-tree" };
  if (r.code === 1) return { clean: false, files: [...new Set(rest.filter((f) => f !== ""))] };
  throw E.git(`git merge-tree failed: ${r.stderr.trim().split("\n")[0] ?? ""}`);
}

// The same merge as `cherry-pick` (base = the fix's parent), on git that cannot be told the base:
// three unreferenced commits make the fix's parent tree the only merge base. They are never
// pointed at by a ref, so gc removes them; the result tree is all that is kept.
async function syntheticPick(cwd: string, onto: string, parent: string, fix: CommitInfo): Promise<PickOutcome> {
  const tree = (rev: string) => gitLine(cwd, ["rev-parse", `${rev}^{tree}`]);
  const commit = (t: string, parents: string[]) =>
    gitLine(cwd, ["commit-tree", t, ...parents.flatMap((p) => ["-p", p])], {
      input: "firebreak backport base\n",
      env: {
        GIT_AUTHOR_NAME: "firebreak",
        GIT_AUTHOR_EMAIL: "firebreak@localhost",
        GIT_COMMITTER_NAME: "firebreak",
        GIT_COMMITTER_EMAIL: "firebreak@localhost",
      },
    });
  const base = await commit(await tree(parent), []);
  const [ours, theirs] = await Promise.all([commit(await tree(onto), [base]), commit(fix.tree, [base])]);
  return mergeTreePick(cwd, ours, base, theirs, false);
}
