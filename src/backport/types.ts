// Shapes shared by the backport engine and its callers (CLI, forge PR step).

export interface BackportTarget {
  branch: string; // the branch to carry the fix to: release-candidate
  short: string; // its short name in the backport branch: rc → backport/rc/hotfix-ENG-1234
}

export type BackportStatus = "done" | "already-contains" | "conflicted" | "failed";

/** How the result tree was computed, so a PR body can say when a looser method was needed. */
export type PickMethod =
  | "merge-tree" // git ≥ 2.40: merge-ort without a checkout
  | "index-3way" // older git: temporary index + git apply --3way
  | "patch-3way" // fallback: git format-patch + git apply -3
  | "patch-ignore-whitespace" // fallback: context matched ignoring whitespace
  | "worktree-cherry-pick" // cherry-pick in a private worktree (rename-aware)
  | "resolved"; // a person resolved a conflict and ran --continue

export interface BackportResult {
  target: BackportTarget;
  status: BackportStatus;
  branch: string; // backport/<short>/hotfix-<TICKET>
  sha?: string; // the backport commit (done)
  methods?: PickMethod[]; // one per picked commit (done)
  reused?: boolean; // an earlier run had already made this branch
  pushed?: boolean;
  files?: string[]; // conflicted files (conflicted)
  worktree?: string; // where to resolve (conflicted)
  instructions?: string[]; // exact steps to resolve (conflicted)
  reason?: string; // why it failed, or which commits were already there
}

export type BackportProgress =
  | { kind: "target-start"; target: BackportTarget }
  | { kind: "commit-picked"; target: BackportTarget; commit: string; method: PickMethod }
  | { kind: "target-end"; result: BackportResult };

/** Pushes one backport branch; the lead wraps this in the effect journal. */
export type PushBranch = (info: { target: BackportTarget; branch: string; sha: string; remote: string }) => Promise<void>;
