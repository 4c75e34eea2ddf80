// Release steps on git: the next version from the tags production contains, and the annotated
// tag created and pushed as two effects that reconcile with the world (is the tag here, on the
// remote, and on which commit?). A tag found on another commit stops everything: Firebreak never
// moves a tag, since people and deploys may already use it.

import type { Git } from "../ports/git.js";
import { assertSafeRemoteName, assertSafeRev } from "../adapters/git/safety.js";
import { E, FirebreakError } from "../errors.js";
import { compareVersions, latestRelease, nextPatch, parseVersion, type NextVersion, type SemVer } from "../domain/version.js";
import { effect, type EffectDeps } from "../workflow/effect.js";

/** Every tag on the remote and the commit it points at (annotated tags peeled). */
export async function remoteTags(git: Git, remote: string): Promise<Map<string, string>> {
  assertSafeRemoteName(remote);
  if (!(await git.remotes()).includes(remote)) throw E.usage(`The remote ${remote} is not configured here.`, "git remote -v");
  const out = await git.git(["ls-remote", "--tags", "--end-of-options", remote], { remote, timeoutMs: 120_000 });
  const direct = new Map<string, string>();
  const peeled = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [sha, ref] = line.split("\t");
    if (!sha || !ref?.startsWith("refs/tags/")) continue;
    const name = ref.slice("refs/tags/".length);
    if (name.endsWith("^{}")) peeled.set(name.slice(0, -3), sha);
    else direct.set(name, sha);
  }
  return new Map([...direct].map(([n, s]) => [n, peeled.get(n) ?? s]));
}

/** The commit a local tag points at, or null. */
export async function localTagSha(git: Git, tag: string): Promise<string | null> {
  const r = await git.raw(["rev-parse", "--verify", "--quiet", "--end-of-options", `refs/tags/${tag}^{commit}`]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** True when `sha` is in the history of `head`; false also when the object is not here at all. */
export async function contains(git: Git, head: string, sha: string): Promise<boolean> {
  const r = await git.raw(["merge-base", "--is-ancestor", "--end-of-options", sha, head]);
  return r.code === 0;
}

export interface VersionSettings {
  firstVersion: string;
  tagPrefix: "auto" | "v" | "";
}

/** The commits local tags point at (annotated tags peeled): all of them, or those `merged` contains. */
async function localTaggedCommits(git: Git, merged?: string): Promise<Set<string>> {
  const args = ["for-each-ref", "--format=%(objectname) %(*objectname)", ...(merged ? [`--merged=${merged}`] : []), "refs/tags"];
  const out = await git.git(args);
  const shas = new Set<string>();
  for (const line of out.split("\n")) {
    const [direct, peeled] = line.trim().split(" ");
    if (peeled) shas.add(peeled);
    else if (direct) shas.add(direct);
  }
  return shas;
}

/**
 * The next patch after the latest release tag that `head` (production's commit) contains.
 * Asked of git in two calls whatever the number of tags (a repository with 300 releases took one
 * process per tag before): the local tags `head` contains, and every local tag. Only a remote tag
 * whose commit no local tag points at is asked about on its own, newest first, and only while it
 * could still be the latest release.
 */
export async function computeNextVersion(git: Git, tags: Map<string, string>, head: string, s: VersionSettings): Promise<NextVersion> {
  assertSafeRev(head);
  const [inHead, local] = await Promise.all([localTaggedCommits(git, head), localTaggedCommits(git)]);
  const reachable: string[] = [];
  const unknown: { name: string; sha: string; version: SemVer }[] = [];
  for (const [name, sha] of tags) {
    const version = parseVersion(name);
    if (!version) continue;
    if (inHead.has(sha)) reachable.push(name);
    else if (!local.has(sha) && version.pre === null) unknown.push({ name, sha, version });
  }
  const latest = latestRelease(reachable);
  unknown.sort((a, b) => compareVersions(b.version, a.version));
  for (const t of unknown) {
    if (latest && compareVersions(t.version, latest.version) <= 0) break;
    if (await contains(git, head, t.sha)) {
      reachable.push(t.name);
      break;
    }
  }
  return nextPatch({ reachable, allTags: [...tags.keys()], firstVersion: s.firstVersion, tagPrefix: s.tagPrefix });
}

export function tagCollision(tag: string, where: string, other: string, sha: string, what: string): FirebreakError {
  return new FirebreakError({
    code: "TAG_EXISTS",
    message: `The tag ${tag} already exists ${where} on ${other.slice(0, 12)}, not on ${what} (${sha.slice(0, 12)}).`,
    why: "Firebreak never moves a tag: people, caches and deploys may already use it.",
    next: `git show ${tag}   # see what it is; then pick another version: firebreak ship --tag <version>`,
  });
}

export interface TagRequest {
  incidentId: string;
  remote: string;
  tag: string;
  sha: string;
  message: string;
  /** Timeline kind when the tag is on the remote: release.tagged, rollback.tagged. */
  kind: "release.tagged" | "rollback.tagged";
  /** "the hotfix merge", "the revert": names `sha` in a collision message. */
  what: string;
}

/** Creates the annotated tag at `sha` and pushes it; each step at most once. */
export async function tagAndPush(deps: EffectDeps & { git: Git }, req: TagRequest, say: (m: string) => void): Promise<void> {
  const { git } = deps;
  const { tag, sha, remote } = req;
  const onRemote = await git.remoteTagSha(remote, tag);
  if (onRemote && onRemote !== sha) throw tagCollision(tag, `on ${remote}`, onRemote, sha, req.what);

  const checkLocal = async () => {
    const here = await localTagSha(git, tag);
    if (here && here !== sha) throw tagCollision(tag, "in this repository", here, sha, req.what);
    return here;
  };
  await effect(deps, req.incidentId, `release.tag:${tag}`, {
    kind: "tag.created",
    intent: { tag, sha },
    reconcile: async () => ((await checkLocal()) ? { tag, sha, summary: `${tag} at ${sha.slice(0, 12)}` } : null),
    perform: async () => {
      if (!(await checkLocal())) {
        say(`Tagging ${sha.slice(0, 12)} as ${tag}…`);
        await git.createTag(tag, sha, req.message);
      }
      return { tag, sha, summary: `${tag} at ${sha.slice(0, 12)}` };
    },
  });
  await effect(deps, req.incidentId, `release.push-tag:${tag}`, {
    kind: req.kind,
    intent: { tag, sha, remote },
    reconcile: async () => {
      const there = await git.remoteTagSha(remote, tag);
      if (there && there !== sha) throw tagCollision(tag, `on ${remote}`, there, sha, req.what);
      return there ? { tag, sha, remote, summary: `${tag} on ${remote}` } : null;
    },
    perform: async () => {
      say(`Pushing ${tag} to ${remote}…`);
      await git.pushTag(remote, tag);
      return { tag, sha, remote, summary: `${tag} on ${remote}` };
    },
  });
}
