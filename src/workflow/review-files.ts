// The post-incident review (`firebreak review --write`) is written into the work tree, next to the
// fix, but it belongs on the production branch, not in the hotfix. While it is untracked, `check`
// leaves it out of the guard's change and of the tree the checks vouch for, so writing the review
// never makes the next fix look bigger or its checks look stale.

import { posix, relative, sep } from "node:path";
import type { App } from "../app/app.js";
import type { Incident } from "../domain/types.js";
import { reviewPaths } from "./review.js";

/** Untracked files of this incident's review (its .md, .html, .ics and charts), relative to the root. */
export async function untrackedReviewFiles(app: App, incident: Incident): Promise<string[]> {
  const root = await app.repoRoot();
  const paths = reviewPaths({ cwd: app.cwd, repoRoot: root, config: await app.config() }, incident);
  const dir = relative(root, paths.dir).split(sep).join("/");
  if (dir.startsWith("..")) return []; // written outside the repository: nothing to leave out
  // From the top of the repository, whichever directory the command runs in.
  const r = await app.git.raw(["ls-files", "-z", "--full-name", "--others", "--exclude-standard", "--", `:(top,literal)${dir}`]);
  if (r.code !== 0) return [];
  return r.stdout
    .split("\0")
    .filter((p) => p !== "" && posix.dirname(p) === (dir === "" ? "." : dir) && posix.basename(p).startsWith(paths.base));
}
