// The forge: where a hotfix branch becomes a pull request people review. Two adapters: GitHub
// (adapters/forge/github.ts) and plain git (adapters/forge/git-forge.ts, offline, the default). Every
// call is idempotent or reconcilable: workflow/pr.ts wraps the ones that create things in effects.

export type { Approval, CiCheck, CiState, ForgeKind } from "../domain/forge-facts.js";
import type { Approval, CiState, ForgeKind } from "../domain/forge-facts.js";

export interface PullRequest {
  number: number;
  url: string;
  head: string; // branch name, without owner
  base: string;
  title: string;
  body: string;
  draft: boolean;
  state: "open" | "closed" | "merged";
  labels: string[];
  requestedReviewers: string[];
}

export interface Label {
  name: string;
  color: string; // six hex digits, no #
  description: string;
}

export type MergeMethod = "merge" | "squash" | "rebase";

export interface MergeResult {
  sha: string; // the commit now at the tip of base
  merged: boolean;
}

export interface MergeState {
  merged: boolean;
  /** The merge (or squash/rebase) commit on the base, when merged and known. */
  sha: string | null;
}

export interface Forge {
  /** Which forge (domain/forge-facts.ts FORGE_KINDS): shown to people and stored with the PR on the record. */
  readonly kind: ForgeKind;
  /** The open PR from `head` into `base`, or null. */
  findPullRequest(head: string, base: string): Promise<PullRequest | null>;
  /** Opens a PR. Never opens a second one: after a failure it looks for the first. */
  openPullRequest(input: { head: string; base: string; title: string; body: string; draft: boolean }): Promise<PullRequest>;
  updatePullRequest(number: number, patch: { title: string; body: string }): Promise<PullRequest>;
  /** Creates the labels that do not exist yet; existing ones are left as the team set them. */
  ensureLabels(labels: readonly Label[]): Promise<void>;
  addLabels(number: number, names: readonly string[]): Promise<void>;
  requestReviewers(number: number, logins: readonly string[]): Promise<void>;
  /** The latest review of each reviewer that is an approval. */
  listApprovals(number: number): Promise<Approval[]>;
  mergePullRequest(number: number, method: MergeMethod): Promise<MergeResult>;
  /** Whether the PR is merged, asked of the world (reconciles an interrupted merge). */
  mergeState(number: number): Promise<MergeState>;
  /** The CI state of a commit (`sha`) on the hotfix branch (`branch`). */
  ciState(ref: { sha: string; branch: string }): Promise<CiState>;
}

/** One finding on a file, shown on the PR's diff by a hosted forge. */
export interface CheckAnnotation {
  path: string;
  line: number;
  level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

/** A check run as CI reports it on a commit: the conclusion branch protection can require. */
export interface CheckRunReport {
  name: string;
  headSha: string;
  conclusion: "success" | "failure" | "neutral";
  title: string;
  /** Markdown shown on the check's page. */
  summary: string;
  annotations: readonly CheckAnnotation[];
}

export interface IssueComment {
  id: number;
  author: string;
  body: string;
  createdAt: string;
}

export type RepoPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

/**
 * What a CI face asks of a hosted forge beyond the Forge: check runs on a commit, a PR's comments,
 * who may write. Only GitHub has them; the plain git forge has no CI to report to.
 */
export interface PullRequestFacts extends PullRequest {
  headSha: string;
  /** Set once merged: the merge, squash or last rebased commit on the base. */
  mergeCommitSha: string | null;
  milestone: number | null;
}

export interface CiForge {
  pullRequestFacts(number: number): Promise<PullRequestFacts>;
  /** Creates the check run with every annotation (sent in as many requests as the forge needs). */
  publishCheckRun(report: CheckRunReport): Promise<{ id: number; url: string; requests: number }>;
  listComments(number: number): Promise<IssueComment[]>;
  permissionOf(login: string): Promise<RepoPermission>;
  comment(number: number, body: string): Promise<void>;
  setMilestone(number: number, milestone: number): Promise<void>;
}
