// The change a hotfix makes against the production merge base, as the guard rules read it.

export type FileStatus = "added" | "modified" | "deleted" | "renamed" | "copied" | "type-changed" | "untracked";

/** One -U0 hunk: the lines it removes and the lines it adds (without the +/- marker). */
export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  removed: string[];
  added: string[];
}

export interface FileChange {
  path: string;
  oldPath?: string; // renames and copies
  status: FileStatus;
  added: number; // lines
  deleted: number;
  binary: boolean;
  isTest: boolean; // by the default test patterns, or those passed to readChangeSet
  hunks: Hunk[]; // empty for binary files and pure renames
  addedLines: string[]; // every added line, in order
}

/** A dependency manifest whose old and new content the dependencies rule compares. */
export interface ManifestContents {
  before: string | null; // null: the file did not exist at the merge base
  after: string | null; // null: deleted
}

export interface ChangeSet {
  base: string; // as given, e.g. origin/main
  mergeBase: string; // commit sha
  root: string; // repository top level
  files: FileChange[];
  /** package.json files in the change, by path. */
  manifests: Record<string, ManifestContents>;
  /** The text after the change of the JS/TS files whose changed lines need it (see guard/exports.ts), by path. */
  sources?: Record<string, string>;
}
