// Reads the whole change (committed + staged + working tree + untracked files) against the merge
// base with production, in a few bulk git calls: never one call per file, so a 5,000-file change
// in a 100,000-file repository stays fast. Only package.json files cost one `git show` each.

import { readFile } from "node:fs/promises";
import { join, basename } from "node:path";
import { Git, type GitResult } from "../adapters/git/git.js";
import { E } from "../errors.js";
import type { ChangeSet, FileChange, ManifestContents } from "./changeset.js";
import { DEFAULT_TEST_PATTERNS } from "./defaults.js";
import { JS_TS, needsWholeText } from "./exports.js";
import { matchesAny } from "./glob.js";
import { parsePatch, parseRawNumstat } from "./parse-diff.js";

export interface ReadChangeSetOptions {
  testPatterns?: readonly string[];
}

// Over the Git adapter's own safe defaults (no prompts, English, plain transports only): reading
// must not take the index lock a person's own git command may be waiting for.
const GIT_ENV = { GIT_OPTIONAL_LOCKS: "0" };
// Settings that would change the output format; fixed so a user's gitconfig cannot break parsing.
const GIT_CONFIG = ["-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false"];
const DIFF_FLAGS = ["--no-color", "--no-ext-diff", "--no-textconv", "--no-relative", "-M"];

export async function git(cwd: string, args: string[]): Promise<GitResult> {
  return new Git(cwd).raw([...GIT_CONFIG, ...args], { env: GIT_ENV });
}

async function gitOk(cwd: string, args: string[], what: string): Promise<string> {
  const r = await git(cwd, args);
  if (r.code !== 0) throw E.git(`git ${args[0]} failed while ${what}.`, undefined, r.stderr.trim().split("\n").slice(0, 5));
  return r.stdout;
}

/** The bulk git calls the guard makes for a merge base (the benchmark times these alone, via git()). */
export function diffCommands(mergeBase: string): string[][] {
  return [
    ["diff", "--raw", "--numstat", "-z", ...DIFF_FLAGS, mergeBase, "--"],
    ["diff", "-U0", ...DIFF_FLAGS, mergeBase, "--"],
    ["ls-files", "-z", "--others", "--exclude-standard"],
  ];
}

export async function resolveMergeBase(cwd: string, base: string): Promise<{ root: string; mergeBase: string }> {
  if (base === "" || base.startsWith("-")) throw E.unsafeValue("base", base, "a base must name a branch, tag or commit");
  if (/[\0\n]/.test(base)) throw E.unsafeValue("base", base, "it contains a control character");
  const [top, verify] = await Promise.all([
    git(cwd, ["rev-parse", "--show-toplevel"]),
    git(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${base}^{commit}`]),
  ]);
  if (top.code !== 0) throw E.notARepo(cwd);
  if (verify.code !== 0)
    throw E.git(`The base "${base}" is not a commit in this repository.`, `git fetch   # then check the name: git rev-parse ${base}`);
  const root = top.stdout.trim();
  const sha = verify.stdout.trim();
  const mb = await git(root, ["merge-base", "HEAD", sha]);
  if (mb.code !== 0) throw E.git(`HEAD and ${base} share no history.`, `git log --oneline -1 ${base}`, [mb.stderr.trim()]);
  return { root, mergeBase: mb.stdout.trim() };
}

export async function readChangeSet(cwd: string, base: string, opts: ReadChangeSetOptions = {}): Promise<ChangeSet> {
  const testPatterns = opts.testPatterns ?? DEFAULT_TEST_PATTERNS;
  const { root, mergeBase } = await resolveMergeBase(cwd, base);
  const [rawCmd, patchCmd, othersCmd] = diffCommands(mergeBase) as [string[], string[], string[]];
  const [raw, patch, others] = await Promise.all([
    gitOk(root, rawCmd, "listing the changed files"),
    gitOk(root, patchCmd, "reading the patch"),
    gitOk(root, othersCmd, "listing untracked files"),
  ]);

  const hunksByPath = parsePatch(patch);
  const files: FileChange[] = parseRawNumstat(raw).map((e) => {
    const hunks = hunksByPath.get(e.path) ?? [];
    const change: FileChange = {
      path: e.path,
      status: e.status,
      added: e.added,
      deleted: e.deleted,
      binary: e.binary,
      isTest: matchesAny(e.path, testPatterns),
      hunks,
      addedLines: hunks.flatMap((h) => h.added),
    };
    if (e.oldPath !== undefined) change.oldPath = e.oldPath;
    return change;
  });

  const untracked = others.split("\0").filter((p) => p !== "");
  files.push(...(await Promise.all(untracked.map((p) => readUntracked(root, p, testPatterns)))));

  const manifests: Record<string, ManifestContents> = {};
  await Promise.all(
    files
      .filter((f) => basename(f.path) === "package.json" || (f.oldPath !== undefined && basename(f.oldPath) === "package.json"))
      .map(async (f) => {
        manifests[f.path] = await readManifestPair(root, mergeBase, f);
      }),
  );

  // Only the few files whose changed lines could sit inside a multi-line export list are read.
  const sources: Record<string, string> = {};
  await Promise.all(
    files
      .filter(
        (f) =>
          !f.isTest &&
          !f.binary &&
          f.hunks.length > 0 &&
          f.status !== "deleted" &&
          f.status !== "untracked" &&
          JS_TS.test(f.path) &&
          needsWholeText(f.path, f.hunks),
      )
      .map(async (f) => {
        const text = await readFile(join(root, f.path), "utf8").catch(() => null);
        if (text !== null) sources[f.path] = text;
      }),
  );

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { base, mergeBase, root, files, manifests, sources };
}

async function readUntracked(root: string, path: string, testPatterns: readonly string[]): Promise<FileChange> {
  const buf = await readFile(join(root, path)).catch(() => Buffer.alloc(0));
  // git's own test: a NUL byte in the first 8000 bytes means binary.
  const binary = buf.subarray(0, 8000).includes(0);
  const lines = binary ? [] : splitLines(buf.toString("utf8"));
  return {
    path,
    status: "untracked",
    added: lines.length,
    deleted: 0,
    binary,
    isTest: matchesAny(path, testPatterns),
    hunks: lines.length ? [{ oldStart: 0, oldCount: 0, newStart: 1, newCount: lines.length, removed: [], added: lines }] : [],
    addedLines: lines,
  };
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

async function readManifestPair(root: string, mergeBase: string, f: FileChange): Promise<ManifestContents> {
  const oldPath = f.oldPath ?? f.path;
  const existedBefore = f.status !== "added" && f.status !== "untracked";
  const before = existedBefore ? await git(root, ["show", `${mergeBase}:${oldPath}`]) : undefined;
  const after = f.status === "deleted" ? null : await readFile(join(root, f.path), "utf8").catch(() => null);
  return { before: before && before.code === 0 ? before.stdout : null, after };
}
