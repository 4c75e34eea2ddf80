// What a forge says about a change, as plain data: who approved it and what its CI reports. The
// deploy gate (domain/gate.ts) decides on these facts; the forge port (ports/forge.ts) returns them.

export interface Approval {
  by: string;
  at: string; // ISO 8601
  note?: string;
  /** The commit the reviewer approved, when the forge says (a later push makes it stale). */
  commit?: string;
}

/** One CI check on a commit: a GitHub check run or commit status, or a recorded local check. */
export interface CiCheck {
  name: string;
  state: "success" | "pending" | "failure";
  url?: string;
}

/** green: every check passed; none: nothing reported for the commit. */
export interface CiState {
  state: "green" | "pending" | "failing" | "none";
  checks: CiCheck[];
  /** Where the answer came from, for people: "GitHub checks and statuses", "recorded local checks". */
  source: string;
  /** With state "none": checks passed, but on another change than this commit (offline forge). */
  staleChecks?: boolean;
}
