// What a forge says about a change, as plain data: who approved it and what its CI reports. The
// deploy gate (domain/gate.ts) decides on these facts; the forge port (ports/forge.ts) returns them.

/**
 * The forges there are adapters for (forge.type in .firebreak.yml, Forge.kind, the gate's facts):
 * "git" is the offline one, where approvals and checks are kept on the record; every other kind
 * is hosted, and the gate sends people to it. A new forge adds its name here once.
 */
export const FORGE_KINDS = ["git", "github"] as const;
export type ForgeKind = (typeof FORGE_KINDS)[number];

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
