// The offline forge: plain git, the default. The "pull request" is the pushed branch plus its
// rendered body, kept on the record (incident data `pr`) and written to
// <git common dir>/firebreak/prs/<ticket>.md for people to read. Approvals are `review.approved`
// events (firebreak approve). Merging is a local --no-ff merge into the base in a throw-away
// worktree (the person's checkout is not touched), then pushed.

import { nextOfflinePrNumber } from "./offline-numbers.js";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Clock, Store } from "../../ports.js";
import type { Incident } from "../../domain/types.js";
import { readPr as readPrRecord } from "../../domain/state/pr.js";
import { E, FirebreakError } from "../../errors.js";
import { Git as GitCli } from "../git/git.js";
import type { Git } from "../../ports/git.js";
import { tempWorktreeDir } from "../git/temp-worktree.js";
import { assertSafeRef } from "../git/safety.js";
import type { Approval, CiState, Forge, Label, MergeMethod, MergeResult, MergeState, PullRequest } from "../../ports/forge.js";

export interface GitForgeOptions {
  git: Git;
  store: Store;
  clock: Clock;
  actor: string;
  remote: string;
}

/** The PR on the record, as the forge stored it: the one reader is src/domain/state/pr.ts. */
export const readPr = (incident: Incident): PullRequest | null => readPrRecord(incident) as PullRequest | null;

export class GitForge implements Forge {
  readonly kind = "git" as const;
  constructor(private readonly o: GitForgeOptions) {}

  private async incidentFor(head: string): Promise<Incident> {
    const inc = await this.o.store.findByBranch(head);
    if (!inc) throw E.noIncident(`for branch ${head}`);
    return inc;
  }

  private async byNumber(number: number): Promise<Incident> {
    for (const inc of await this.o.store.listIncidents({ all: true })) if (readPr(inc)?.number === number) return inc;
    throw new FirebreakError({ code: "PR_NOT_FOUND", message: `No pull request #${number} on the record.`, next: "firebreak pr" });
  }

  /** Where the body is written for people to read. */
  async prFile(ticket: string): Promise<string> {
    return join(await this.o.git.commonDir(), "firebreak", "prs", `${ticket.replace(/[^A-Za-z0-9._-]/g, "_")}.md`);
  }

  private async save(inc: Incident, pr: PullRequest): Promise<PullRequest> {
    const file = await this.prFile(inc.ticket);
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(file, `# ${pr.title}\n\n${pr.body}`);
    await this.o.store.updateIncident(inc.id, { data: { pr: { ...pr, forge: "git", file } } });
    return pr;
  }

  async findPullRequest(head: string, base: string): Promise<PullRequest | null> {
    const inc = await this.o.store.findByBranch(head);
    const pr = inc ? readPr(inc) : null;
    return pr && pr.base === base && pr.state === "open" ? pr : null;
  }

  async openPullRequest(input: { head: string; base: string; title: string; body: string; draft: boolean }): Promise<PullRequest> {
    const existing = await this.findPullRequest(input.head, input.base);
    if (existing) return existing;
    const inc = await this.incidentFor(input.head);
    const number = await nextOfflinePrNumber(this.o.store, await this.o.git.commonDir());
    const pr: PullRequest = { number, url: await this.prFile(inc.ticket), ...input, state: "open", labels: [], requestedReviewers: [] };
    return this.save(inc, pr);
  }

  private async change(number: number, f: (pr: PullRequest) => PullRequest): Promise<PullRequest> {
    const inc = await this.byNumber(number);
    return this.save(inc, f(readPr(inc) as PullRequest));
  }

  updatePullRequest(number: number, patch: { title: string; body: string }): Promise<PullRequest> {
    return this.change(number, (pr) => ({ ...pr, ...patch }));
  }

  async ensureLabels(_labels: readonly Label[]): Promise<void> {
    // Plain git has no label catalogue: the names live on the PR record.
  }

  async addLabels(number: number, names: readonly string[]): Promise<void> {
    await this.change(number, (pr) => ({ ...pr, labels: [...new Set([...pr.labels, ...names])] }));
  }

  async requestReviewers(number: number, logins: readonly string[]): Promise<void> {
    await this.change(number, (pr) => ({ ...pr, requestedReviewers: [...new Set([...pr.requestedReviewers, ...logins])] }));
  }

  async listApprovals(number: number): Promise<Approval[]> {
    const inc = await this.byNumber(number);
    const latest = new Map<string, Approval>();
    for (const ev of await this.o.store.timeline(inc.id)) {
      if (ev.kind !== "review.approved") continue;
      // An approval belongs to one PR: after a rollback the next fix opens a new one.
      if (typeof ev.data.number === "number" && ev.data.number !== number) continue;
      const by = String(ev.data.by ?? "");
      const note = typeof ev.data.note === "string" && ev.data.note !== "" ? ev.data.note : undefined;
      const commit = typeof ev.data.sha === "string" ? ev.data.sha : undefined;
      if (by) latest.set(by, { by, at: ev.at, ...(note ? { note } : {}), ...(commit ? { commit } : {}) });
    }
    return [...latest.values()];
  }

  async mergePullRequest(number: number, _method: MergeMethod): Promise<MergeResult> {
    const inc = await this.byNumber(number);
    const pr = readPr(inc) as PullRequest;
    const { git, remote } = this.o;
    await assertSafeRef(pr.base);
    await assertSafeRef(pr.head);
    await git.fetch(remote, [pr.base, pr.head]);
    // The PR is what was pushed (as on a hosted forge): the gate judged that commit, not a local one.
    const head = await git.revParse(`refs/remotes/${remote}/${pr.head}`).catch(() => git.revParse(`refs/heads/${pr.head}`));
    const baseSha = await git.revParse(`refs/remotes/${remote}/${pr.base}`);
    if (await git.isAncestor(head, baseSha))
      return { sha: (await this.findMergeCommit(head, `refs/remotes/${remote}/${pr.base}`)) ?? baseSha, merged: true }; // merged by an earlier run
    const dir = await tempWorktreeDir("merge");
    // A run killed mid-merge leaves its worktree registered; forget the ones whose folder is gone.
    await git.raw(["worktree", "prune"]);
    try {
      await git.git(["worktree", "add", "--detach", "--quiet", "--end-of-options", dir, baseSha]);
      const wt = new GitCli(dir);
      // The message is the value of -m, so nothing in a title can be read as an option.
      const r = await wt.raw([
        "merge",
        "--no-ff",
        "--no-edit",
        "-m",
        `Merge ${pr.head} into ${pr.base}: ${pr.title}`,
        "--end-of-options",
        head,
      ]);
      if (r.code !== 0) {
        await wt.raw(["merge", "--abort"]);
        throw new FirebreakError({
          code: "MERGE_CONFLICT",
          message: `${pr.head} does not merge cleanly into ${pr.base}.`,
          next: `git rebase ${remote}/${pr.base}   # on ${pr.head}, then run the same command again`,
          details: r.stderr.split("\n").filter(Boolean).slice(0, 10),
        });
      }
      const sha = await wt.headSha();
      // Pushed from the repository itself (the worktree shares its objects): a remote URL relative to
      // the repository (../origin.git) means something else from a folder under /tmp.
      await git.git(["push", "--quiet", "--end-of-options", remote, `${sha}:refs/heads/${pr.base}`], { remote });
      await this.change(number, (p) => ({ ...p, state: "merged" }));
      return { sha, merged: true };
    } finally {
      await git.raw(["worktree", "remove", "--force", "--end-of-options", dir]);
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The first-parent commit of `base` that brought `head` in (a --no-ff merge), or null. */
  private async findMergeCommit(head: string, base: string): Promise<string | null> {
    const { git } = this.o;
    const baseSha = await git.revParse(base);
    // Bounded: a hotfix merge is recent; 2000 first-parent commits is months of history.
    const out = await git.git(["rev-list", "--first-parent", "--parents", "--max-count=2000", "--end-of-options", baseSha]);
    for (const line of out.split("\n")) {
      const [sha, , ...merged] = line.trim().split(" ");
      if (sha && (sha === head || merged.includes(head))) return sha;
    }
    return null;
  }

  /** Asks the remote, not the record: a merge pushed just before a crash still counts. */
  async mergeState(number: number): Promise<MergeState> {
    const pr = readPr(await this.byNumber(number)) as PullRequest;
    const { git, remote } = this.o;
    await git.fetch(remote, [pr.base]);
    const head = await git.revParse(`refs/heads/${pr.head}`).catch(() => null);
    if (!head) return { merged: pr.state === "merged", sha: null };
    const base = `refs/remotes/${remote}/${pr.base}`;
    if (!(await git.isAncestor(head, base))) return { merged: false, sha: null };
    return { merged: true, sha: await this.findMergeCommit(head, base) };
  }

  /** The recorded local checks (firebreak check): the latest run decides. */
  async ciState(ref: { sha: string; branch: string }): Promise<CiState> {
    const inc = await this.o.store.findByBranch(ref.branch);
    const source = "recorded local checks (firebreak check)";
    if (!inc) return { state: "none", checks: [], source };
    const events = await this.o.store.timeline(inc.id);
    const last = [...events].reverse().find((e) => e.kind === "checks.passed" || e.kind === "checks.failed");
    if (!last) return { state: "none", checks: [], source };
    // Passing checks count only for the change they ran on: the commit's tree must be the one checked.
    const checked = typeof last.data.tree === "string" ? last.data.tree : null;
    const valid = /^[0-9a-f]{40,64}$/.test(ref.sha);
    const treeOf = async () =>
      valid
        ? (await this.o.git.git(["rev-parse", "--verify", "--end-of-options", `${ref.sha}^{tree}`]).catch(() => "")).trim() || null
        : null;
    let shipped = await treeOf();
    // Pushed from another clone (a teammate's, on a shared record): the commit is on the remote and
    // not here yet. Fetched, so the checks that ran on it there count here too.
    if (valid && shipped === null) {
      await this.o.git
        .git(["fetch", "--quiet", "--end-of-options", inc.remote, `+refs/heads/${ref.branch}:refs/remotes/${inc.remote}/${ref.branch}`])
        .catch(() => undefined);
      shipped = await treeOf();
    }
    if (last.kind === "checks.passed" && (!checked || checked !== shipped)) return { state: "none", checks: [], source, staleChecks: true };
    const names = (k: string) => (Array.isArray(last.data[k]) ? (last.data[k] as unknown[]).map(String) : []);
    const checks = [
      ...names("passed").map((name) => ({ name, state: "success" as const })),
      ...names("failed").map((name) => ({ name, state: "failure" as const })),
    ];
    return { state: last.kind === "checks.passed" ? "green" : "failing", checks, source };
  }
}
