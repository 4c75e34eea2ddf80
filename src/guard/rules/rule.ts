// What a guard rule receives and returns. Rules are pure; severity and overrides are applied by
// runGuard from the level's settings.

import type { Priority } from "../../domain/types.js";
import type { ChangeSet, FileChange } from "../changeset.js";
import type { ResolvedLevel } from "../defaults.js";

export interface RuleContext {
  changes: ChangeSet;
  files: FileChange[]; // every file, isTest by the configured patterns
  code: FileChange[]; // the non-test files: the only ones most rules look at
  level: ResolvedLevel;
  priority: Priority;
  ticket: string;
}

export interface RuleHit {
  file?: string;
  message: string;
  remedy: string;
  /** Blocks even where the level only warns on this rule (never where it is off). */
  blocks?: true;
}

export type Rule = (ctx: RuleContext) => RuleHit[];
