// Temporary worktrees (a merge, a release checkout) live in folders named
// firebreak-<purpose>-<pid>-…, so a later run can tell the ones whose process died (kill -9)
// from the ones still in use, and remove them (ship/worktree.ts cleanStaleWorktrees).

import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const tempWorktreeDir = (purpose: "release" | "merge") => mkdtemp(join(tmpdir(), `firebreak-${purpose}-${process.pid}-`));

export const TEMP_WORKTREE_NAME = /^firebreak-(?:release|merge)-(\d+)-[A-Za-z0-9]+$/;
