// Which record events the review's timeline shows: one line per thing that happened. The effect
// journal's own rows ("starting git.push:…", retries) are how Firebreak survives a crash, not
// what happened, so they stay in `firebreak log`; a verify run again on the same deploy repeats
// "verified" and is shown once; the review's own "written" events would change the file they are in.

import type { TimelineEvent } from "../domain/types.js";

const JOURNAL = new Set(["effect.intent", "effect.retry", "review.written"]);

export function reviewEvents(events: readonly TimelineEvent[]): TimelineEvent[] {
  const sorted = [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.seq - b.seq);
  const verifiedSince = new Set<string>(); // envs already verified since their last deploy or rollback
  const out: TimelineEvent[] = [];
  for (const e of sorted) {
    if (JOURNAL.has(e.kind)) continue;
    const deploy = /^(?:deploy|rollback)\.(\w+)\./.exec(e.kind);
    if (deploy) verifiedSince.delete(deploy[1]!);
    if (e.kind.startsWith("rollback.")) verifiedSince.clear();
    const verified = /^verify\.(\w+)\.verified$/.exec(e.kind);
    if (verified) {
      if (verifiedSince.has(verified[1]!)) continue;
      verifiedSince.add(verified[1]!);
    }
    out.push(e);
  }
  return out;
}
