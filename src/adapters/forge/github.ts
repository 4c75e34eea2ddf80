// The GitHub forge: Octokit with retries for reads and idempotent writes, GitHub's rate limits
// honoured (retry-after, bounded), and creates that are never sent twice blindly: after a failed
// create we look for the object first, and only a lookup that says "not there" allows one more try.

import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { AmbiguousOutcome } from "../../ports/outcome.js";
import { redact } from "../../redact.js";
import type { Secret } from "../../config/secrets.js";
import type {
  Approval,
  CheckRunReport,
  CiCheck,
  CiForge,
  CiState,
  Forge,
  IssueComment,
  Label,
  MergeMethod,
  MergeResult,
  MergeState,
  PullRequest,
  PullRequestFacts,
  RepoPermission,
} from "../../ports/forge.js";
import { gitHubError, isAlreadyExists, isNotResolvedYet, isPullRequestExists, isTransient, readFailure } from "./github-errors.js";

const GitHubOctokit = Octokit.plugin(retry, throttling);
type Client = InstanceType<typeof GitHubOctokit>;

export interface GitHubForgeOptions {
  owner: string;
  repo: string;
  token: Secret;
  /** GitHub Enterprise: https://github.example.com/api/v3 */
  baseUrl?: string;
  /** Multiplies every wait (backoff, retry-after, label race); tests pass a small value. */
  timeScale?: number;
  /** GitHub asks for one write a second; tests turn the pacing off. */
  paceWrites?: boolean;
  /** Where warnings go (already redacted). */
  log?: (line: string) => void;
  /**
   * Check runs and statuses left out of the CI state: a gate that runs as a check must not wait
   * for itself (its own job is in progress while it asks) nor read its previous verdict as CI.
   */
  ignoreChecks?: (name: string) => boolean;
}

const MAX_RATE_LIMIT_RETRIES = 2;
const MAX_RETRY_AFTER_SECONDS = 120;
const LABEL_RACE_TRIES = 4;
const MERGEABLE_POLLS = 6;

// Stands in for plugin-throttling's write limiter when pacing is off.
const unpaced = {
  key: () => ({ schedule: (_opts: unknown, fn: (...a: unknown[]) => unknown, ...args: unknown[]) => Promise.resolve(fn(...args)) }),
};

interface RawPull {
  number: number;
  html_url: string;
  head: { ref: string };
  base: { ref: string };
  title: string;
  body?: string | null;
  draft?: boolean;
  state: string;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  labels?: ({ name?: string } | string)[];
  requested_reviewers?: ({ login?: string } | null)[] | null;
  mergeable?: boolean | null;
}

function toPullRequest(p: RawPull): PullRequest {
  return {
    number: p.number,
    url: p.html_url,
    head: p.head.ref,
    base: p.base.ref,
    title: p.title,
    body: p.body ?? "",
    draft: p.draft ?? false,
    state: p.merged_at ? "merged" : p.state === "open" ? "open" : "closed",
    labels: (p.labels ?? []).map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter((n) => n !== ""),
    requestedReviewers: (p.requested_reviewers ?? []).map((u) => u?.login ?? "").filter((n) => n !== ""),
  };
}

/** GitHub takes at most 50 annotations per check-run request; the rest go in updates. */
export const ANNOTATIONS_PER_REQUEST = 50;
const PERMISSIONS: readonly RepoPermission[] = ["admin", "maintain", "write", "triage", "read", "none"];

export class GitHubForge implements Forge, CiForge {
  readonly kind = "github" as const;
  readonly repoName: string;
  private readonly octokit: Client;
  private readonly scale: number;
  private readonly o: { owner: string; repo: string };
  private readonly ignoreChecks: (name: string) => boolean;

  constructor(opts: GitHubForgeOptions) {
    this.ignoreChecks = opts.ignoreChecks ?? (() => false);
    this.o = { owner: opts.owner, repo: opts.repo };
    this.repoName = `${opts.owner}/${opts.repo}`;
    this.scale = opts.timeScale ?? 1;
    const log = (level: string) => (msg: string) => opts.log?.(`${level}: ${redact(String(msg))}`);
    const onLimit = (kind: string) => (retryAfter: number, options: { method?: string; url?: string }, _o: unknown, retryCount: number) => {
      const ok = retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RETRY_AFTER_SECONDS;
      opts.log?.(`GitHub ${kind} on ${options.method} ${options.url}: ${ok ? `retrying in ${retryAfter} s` : "giving up"}`);
      return ok;
    };
    this.octokit = new GitHubOctokit({
      auth: opts.token.reveal(),
      baseUrl: opts.baseUrl,
      userAgent: "firebreak",
      log: { debug: () => undefined, info: () => undefined, warn: log("warn"), error: log("error") },
      retry: {
        // 429 belongs to the throttling plugin, which waits for retry-after first.
        doNotRetry: [400, 401, 403, 404, 405, 409, 410, 422, 429, 451],
        retryAfterBaseValue: 1000 * this.scale,
      },
      throttle: {
        onRateLimit: onLimit("rate limit"),
        onSecondaryRateLimit: onLimit("secondary rate limit"),
        retryAfterBaseValue: 1000 * this.scale,
        ...(opts.paceWrites === false ? { write: unpaced, notifications: unpaced } : {}),
      } as never,
    });
  }

  private fail(e: unknown, action: string): never {
    throw gitHubError(readFailure(e), action, this.repoName);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms * this.scale));
  }

  async findPullRequest(head: string, base: string): Promise<PullRequest | null> {
    try {
      const r = await this.octokit.request("GET /repos/{owner}/{repo}/pulls", {
        ...this.o,
        state: "open",
        head: `${this.o.owner}:${head}`,
        base,
        per_page: 10,
      });
      const hit = (r.data as RawPull[]).find((p) => p.head.ref === head && p.base.ref === base);
      return hit ? toPullRequest(hit) : null;
    } catch (e) {
      this.fail(e, "look for the pull request");
    }
  }

  async getPullRequest(number: number): Promise<PullRequest & { mergeable: boolean | null; mergeCommitSha: string }> {
    try {
      const r = await this.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...this.o, pull_number: number });
      const raw = r.data as RawPull;
      return { ...toPullRequest(raw), mergeable: raw.mergeable ?? null, mergeCommitSha: raw.merge_commit_sha ?? "" };
    } catch (e) {
      this.fail(e, `read pull request #${number}`);
    }
  }

  async openPullRequest(input: { head: string; base: string; title: string; body: string; draft: boolean }): Promise<PullRequest> {
    const action = "open the pull request";
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.octokit.request("POST /repos/{owner}/{repo}/pulls", {
          ...this.o,
          head: input.head,
          base: input.base,
          title: input.title,
          body: input.body,
          draft: input.draft,
          request: { retries: 0 },
        });
        return toPullRequest(r.data as RawPull);
      } catch (e) {
        const f = readFailure(e);
        if (!isPullRequestExists(f) && !isTransient(f)) this.fail(e, action);
        // It may exist: opened by this request before the answer was lost, or by someone else.
        let found: PullRequest | null;
        try {
          found = await this.findPullRequest(input.head, input.base);
        } catch {
          throw new AmbiguousOutcome(
            `GitHub failed while opening the pull request and could not be asked whether it was opened (${f.message})`,
          );
        }
        if (found) return found;
        if (attempt >= 2 || isPullRequestExists(f)) this.fail(e, action);
      }
    }
  }

  async updatePullRequest(number: number, patch: { title: string; body: string }): Promise<PullRequest> {
    try {
      const r = await this.octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
        ...this.o,
        pull_number: number,
        title: patch.title,
        body: patch.body,
      });
      return toPullRequest(r.data as RawPull);
    } catch (e) {
      this.fail(e, `update pull request #${number}`);
    }
  }

  private async labelExists(name: string): Promise<boolean> {
    try {
      await this.octokit.request("GET /repos/{owner}/{repo}/labels/{name}", { ...this.o, name });
      return true;
    } catch (e) {
      if (readFailure(e).status === 404) return false;
      this.fail(e, `read label ${name}`);
    }
  }

  async ensureLabels(labels: readonly Label[]): Promise<void> {
    for (const label of labels) {
      if (await this.labelExists(label.name)) continue;
      try {
        await this.octokit.request("POST /repos/{owner}/{repo}/labels", {
          ...this.o,
          name: label.name,
          color: label.color,
          description: label.description,
          request: { retries: 0 },
        });
      } catch (e) {
        const f = readFailure(e);
        if (isAlreadyExists(f)) continue; // made by someone else in between: theirs stands
        if (isTransient(f) && (await this.labelExists(label.name).catch(() => false))) continue;
        this.fail(e, `create label ${label.name}`);
      }
    }
  }

  async publishCheckRun(report: CheckRunReport): Promise<{ id: number; url: string; requests: number }> {
    const batches: CheckRunReport["annotations"][] = [];
    for (let i = 0; i < report.annotations.length; i += ANNOTATIONS_PER_REQUEST)
      batches.push(report.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
    const wire = (a: CheckRunReport["annotations"][number]) => ({
      path: a.path,
      start_line: a.line,
      end_line: a.line,
      annotation_level: a.level,
      title: a.title,
      message: a.message,
    });
    const output = (batch: CheckRunReport["annotations"] | undefined) => ({
      title: report.title,
      summary: report.summary,
      ...(batch && batch.length ? { annotations: batch.map(wire) } : {}),
    });
    // Created in progress with the first batch, then the rest, then completed with the last:
    // a run never shows a conclusion before every annotation is on it.
    const last = batches.length <= 1;
    let id: number;
    let url: string;
    try {
      const r = await this.octokit.request("POST /repos/{owner}/{repo}/check-runs", {
        ...this.o,
        name: report.name,
        head_sha: report.headSha,
        ...(last ? { status: "completed" as const, conclusion: report.conclusion } : { status: "in_progress" as const }),
        output: output(batches[0]),
      });
      id = (r.data as { id: number }).id;
      url = (r.data as { html_url?: string | null }).html_url ?? "";
    } catch (e) {
      this.fail(e, `create the check run ${report.name}`);
    }
    let requests = 1;
    for (let i = 1; i < batches.length; i++) {
      const final = i === batches.length - 1;
      try {
        await this.octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
          ...this.o,
          check_run_id: id,
          ...(final ? { status: "completed" as const, conclusion: report.conclusion } : {}),
          output: output(batches[i]),
        });
      } catch (e) {
        this.fail(e, `add annotations to the check run ${report.name}`);
      }
      requests++;
    }
    return { id, url, requests };
  }

  /** What a CI run needs of a PR beyond the Forge's view: its head commit, merge commit and milestone. */
  async pullRequestFacts(number: number): Promise<PullRequestFacts> {
    try {
      const r = await this.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...this.o, pull_number: number });
      const raw = r.data as RawPull & { head: { sha?: string }; milestone?: { number?: number } | null };
      return {
        ...toPullRequest(raw),
        headSha: raw.head.sha ?? "",
        mergeCommitSha: raw.merged_at ? (raw.merge_commit_sha ?? null) : null,
        milestone: raw.milestone?.number ?? null,
      };
    } catch (e) {
      this.fail(e, `read pull request #${number}`);
    }
  }

  async listComments(number: number): Promise<IssueComment[]> {
    const all: IssueComment[] = [];
    for (let page = 1; page <= 10; page++) {
      let data: Array<{ id: number; body?: string; user?: { login?: string } | null; created_at: string }>;
      try {
        const r = await this.octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...this.o,
          issue_number: number,
          per_page: 100,
          page,
        });
        data = r.data as typeof data;
      } catch (e) {
        this.fail(e, `read the comments of #${number}`);
      }
      for (const c of data) all.push({ id: c.id, author: c.user?.login ?? "", body: c.body ?? "", createdAt: c.created_at });
      if (data.length < 100) break;
    }
    return all;
  }

  async permissionOf(login: string): Promise<RepoPermission> {
    try {
      const r = await this.octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { ...this.o, username: login });
      const p = (r.data as { permission?: string }).permission ?? "none";
      return (PERMISSIONS as readonly string[]).includes(p) ? (p as RepoPermission) : "none";
    } catch (e) {
      // Not a collaborator at all: no permission, not an error.
      if (readFailure(e).status === 404) return "none";
      this.fail(e, `read the permission of ${login}`);
    }
  }

  async setMilestone(number: number, milestone: number): Promise<void> {
    try {
      await this.octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...this.o, issue_number: number, milestone });
    } catch (e) {
      this.fail(e, `set the milestone of #${number}`);
    }
  }

  async comment(number: number, body: string): Promise<void> {
    try {
      await this.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...this.o, issue_number: number, body });
    } catch (e) {
      this.fail(e, `comment on #${number}`);
    }
  }

  async addLabels(number: number, names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
          ...this.o,
          issue_number: number,
          labels: [...names],
        });
        return;
      } catch (e) {
        // A label created a moment ago may not be visible to this call yet.
        if (isNotResolvedYet(readFailure(e)) && attempt < LABEL_RACE_TRIES) {
          await this.sleep(250 * 2 ** (attempt - 1));
          continue;
        }
        this.fail(e, `label pull request #${number}`);
      }
    }
  }

  async requestReviewers(number: number, logins: readonly string[]): Promise<void> {
    if (logins.length === 0) return;
    try {
      await this.octokit.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", {
        ...this.o,
        pull_number: number,
        reviewers: [...logins],
      });
    } catch (e) {
      this.fail(e, `request reviewers on pull request #${number}`);
    }
  }

  async listApprovals(number: number): Promise<Approval[]> {
    try {
      const r = await this.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
        ...this.o,
        pull_number: number,
        per_page: 100,
      });
      // A reviewer's latest decision counts: an approval followed by "changes requested" is not one.
      const latest = new Map<string, { state: string; at: string; body: string; commit: string | null }>();
      for (const rv of r.data as {
        user: { login: string } | null;
        state: string;
        submitted_at?: string;
        body?: string;
        commit_id?: string | null;
      }[]) {
        if (!rv.user || rv.state === "COMMENTED" || rv.state === "PENDING") continue;
        latest.set(rv.user.login, { state: rv.state, at: rv.submitted_at ?? "", body: rv.body ?? "", commit: rv.commit_id ?? null });
      }
      return [...latest]
        .filter(([, v]) => v.state === "APPROVED")
        .map(([by, v]) => ({ by, at: v.at, ...(v.body ? { note: v.body } : {}), ...(v.commit ? { commit: v.commit } : {}) }));
    } catch (e) {
      this.fail(e, `read the reviews of pull request #${number}`);
    }
  }

  async mergePullRequest(number: number, method: MergeMethod): Promise<MergeResult> {
    // GitHub computes mergeability in the background: null means "ask again shortly".
    let pr = await this.getPullRequest(number);
    for (let i = 0; pr.mergeable === null && i < MERGEABLE_POLLS; i++) {
      await this.sleep(500 * (i + 1));
      pr = await this.getPullRequest(number);
    }
    if (pr.state === "merged") return { sha: pr.mergeCommitSha, merged: true }; // merged by an earlier run
    try {
      const r = await this.octokit.request("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", {
        ...this.o,
        pull_number: number,
        merge_method: method,
        request: { retries: 0 },
      });
      return { sha: r.data.sha, merged: r.data.merged };
    } catch (e) {
      const f = readFailure(e);
      if (isTransient(f)) {
        const after = await this.getPullRequest(number).catch(() => null);
        if (after?.state === "merged") return { sha: after.mergeCommitSha, merged: true };
        if (!after)
          throw new AmbiguousOutcome(`GitHub failed while merging #${number} and could not be asked whether it merged (${f.message})`);
      }
      this.fail(e, `merge pull request #${number}`);
    }
  }

  async mergeState(number: number): Promise<MergeState> {
    const pr = await this.getPullRequest(number);
    return pr.state === "merged" ? { merged: true, sha: pr.mergeCommitSha || null } : { merged: false, sha: null };
  }

  /**
   * Check runs (GitHub Actions and apps) and commit statuses (older integrations) together.
   * A commit with no statuses reports "pending" as its combined state, so only the statuses
   * themselves are read, never the combined state alone.
   */
  async ciState(ref: { sha: string; branch: string }): Promise<CiState> {
    const checks: CiCheck[] = [];
    try {
      const runs = await this.octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
        ...this.o,
        ref: ref.sha,
        per_page: 100,
      });
      for (const r of runs.data.check_runs as { name: string; status: string; conclusion: string | null; html_url?: string | null }[]) {
        const state: CiCheck["state"] =
          r.status !== "completed"
            ? "pending"
            : r.conclusion === "success" || r.conclusion === "neutral" || r.conclusion === "skipped"
              ? "success"
              : "failure";
        checks.push({ name: r.name, state, ...(r.html_url ? { url: r.html_url } : {}) });
      }
      const combined = await this.octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/status", {
        ...this.o,
        ref: ref.sha,
        per_page: 100,
      });
      for (const st of combined.data.statuses as { context: string; state: string; target_url?: string | null }[]) {
        const state: CiCheck["state"] = st.state === "success" ? "success" : st.state === "pending" ? "pending" : "failure";
        checks.push({ name: st.context, state, ...(st.target_url ? { url: st.target_url } : {}) });
      }
    } catch (e) {
      this.fail(e, `read the CI state of ${ref.sha.slice(0, 12)}`);
    }
    const counted = checks.filter((c) => !this.ignoreChecks(c.name));
    return { state: summarize(counted), checks: counted, source: "GitHub check runs and commit statuses" };
  }
}

export function summarize(checks: readonly CiCheck[]): CiState["state"] {
  if (checks.length === 0) return "none";
  if (checks.some((c) => c.state === "failure")) return "failing";
  if (checks.some((c) => c.state === "pending")) return "pending";
  return "green";
}
