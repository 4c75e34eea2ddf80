// Things `firebreak status` must say above the checklist because they are owed, not next:
// a review of a change that shipped without one, people not yet told about a P0 that already
// shipped, a verdict the watch took back after "verified", and the post-incident review's due date. Pure: built from the timeline and a time.

import type { Incident, TimelineEvent } from "./types.js";
import { LEVELS } from "./levels.js";
import { incidentState, type IncidentState } from "./state/state.js";
import { approvalWaivers, approvalsAfter, deploysTo, firstVerdict, rolledBackNow, verdictsOf } from "./state/facts.js";

export interface Notice {
  id: "review-after-deploy" | "inform-now" | "post-incident-review" | "rolled-back" | "verdict-taken-back" | "unfinished-effect";
  text: string;
  command: string;
  overdue?: boolean;
}

/** The post-incident review is due this long after the fix is verified (SPEC part 9). */
export const REVIEW_DUE_HOURS = 72;

export function statusNotices(
  incident: Incident,
  events: readonly TimelineEvent[],
  now: Date,
  state: IncidentState = incidentState(events),
): Notice[] {
  const s = state;
  const notices: Notice[] = [...unfinishedEffects(events, s)];
  const production = deploysTo(s, "production");
  const firstVerified = firstVerdict(s, "production", "verified");

  // A P0 may ship on a recorded waiver; the review it skipped is still owed afterwards.
  const waived = approvalWaivers(s).at(-1);
  if (waived && approvalsAfter(s, waived.seq).length === 0) {
    const shipped = production.length > 0;
    const reason = waived.reason !== undefined ? `: ${waived.reason}` : "";
    notices.push({
      id: "review-after-deploy",
      text: `review after deploy: ${shipped ? "due" : "due once deployed"} (approval waived by ${waived.by}${reason})`,
      command: "firebreak approve --by <reviewer>   # or the approval on the PR",
    });
  }

  // After a rollback the checklist's next item is not the point: production runs the old version.
  const rolledBack = rolledBackNow(s);
  if (rolledBack) {
    notices.push({
      id: "rolled-back",
      text: "rolled back: production runs the previous version; the fix needs another try",
      command: "fix it, then: firebreak check && firebreak commit && firebreak pr && firebreak ship",
    });
  }

  // verify watches on after "verified": a later regression (not rolled back) or a withdrawn verdict
  // means production runs a fix that is no longer known to be good.
  const verdicts = verdictsOf(s, "production").filter((v) => v.verdict !== "pending");
  const last = verdicts[verdicts.length - 1];
  const takenBack = last && last.verdict !== "verified" && last.verdict !== "watched" && firstVerified !== undefined;
  if (takenBack && !rolledBack) {
    notices.push({
      id: "verdict-taken-back",
      text:
        last.verdict === "regression"
          ? "regression after the fix was verified: production still runs it"
          : "verified, then the rate rose without proving a regression: production still runs the fix",
      command: `firebreak rollback -t ${incident.ticket}   # or watch longer: firebreak verify -t ${incident.ticket} --window 60m`,
    });
  }

  // A P0 deploys first and announces after: once it is out, telling people is the urgent thing.
  // A message sent, or a person's word that people were told after the deploy, settles it.
  const deployed = production.at(-1);
  const told =
    deployed && (s.announcements.sent.length > 0 || s.confirmations.some((c) => c.item === "oncall-notified" && c.seq > deployed.seq));
  if (incident.priority === "P0" && deployed && !told && !rolledBack) {
    const stage = firstVerified ? "resolved" : "monitoring";
    // On-call is told before production (a gate item): then it is the announcement that is missing.
    const oncallBefore = s.confirmations.some((c) => c.item === "oncall-notified");
    notices.push({
      id: "inform-now",
      text: oncallBefore
        ? "announce now: the fix is deployed and only on-call was told, before the deploy"
        : "inform now: the fix is deployed and nobody has been told",
      command: `firebreak announce --stage ${stage}   # no channel configured? firebreak confirm oncall-notified --note "told …"`,
    });
  }

  const review = (incident.data.review ?? {}) as { due?: unknown; scheduled?: { at?: unknown } };
  if (LEVELS[incident.priority].reviewRequired && firstVerified && !s.review.done) {
    // The due date the review recorded wins (it may have been set by hand); else 72 h after verification.
    const stored = typeof review.due === "string" ? Date.parse(review.due) : Number.NaN;
    const due = new Date(Number.isFinite(stored) ? stored : Date.parse(firstVerified.at) + REVIEW_DUE_HOURS * 3_600_000);
    const meeting = typeof review.scheduled?.at === "string" ? `, meeting ${review.scheduled.at.slice(0, 16).replace("T", " ")} UTC` : "";
    const overdue = now.getTime() > due.getTime();
    notices.push({
      id: "post-incident-review",
      text: `post-incident review ${overdue ? "overdue since" : "due by"} ${due.toISOString().slice(0, 16).replace("T", " ")} UTC${meeting}`,
      command: "firebreak review --write   # then: firebreak review --done",
      overdue,
    });
  }
  return notices;
}

/**
 * Effects a run started and never recorded as done (it was killed, or the outcome is unknown):
 * each is said as such, with the command that settles it. The state reads them from the
 * journal's own events (see trackJournal in ./state/state.ts).
 */
export function unfinishedEffects(events: readonly TimelineEvent[], state: IncidentState = incidentState(events)): Notice[] {
  return [...state.journal.open].map(([key, o]) => ({
    id: "unfinished-effect" as const,
    text:
      o.state === "intent"
        ? `unfinished: ${key} was started by a run that stopped before recording the result`
        : `possibly done, unconfirmed: ${key} (the outcome could not be checked; it is never repeated without asking)`,
    command:
      o.state === "intent"
        ? `${rerunCommand(key)}   # asks the world whether it happened, then finishes it`
        : (o.settle ?? `check by hand whether it happened, then: ${rerunCommand(key)}`),
  }));
}

/** The command that takes an effect up again, from its journal key. */
function rerunCommand(key: string): string {
  const announce = /^announce:([a-z]+):/.exec(key);
  if (announce) return `firebreak announce --stage ${announce[1]}`;
  const deploy = /^deploy\.([a-z]+):/.exec(key);
  if (deploy) return `firebreak ship --to ${deploy[1]}`;
  if (key.startsWith("release.")) return "firebreak ship --to production";
  if (key.startsWith("rollback.")) return "firebreak rollback";
  if (key.startsWith("pr.")) return "firebreak pr";
  if (key.startsWith("backport")) return "firebreak backport";
  if (key.startsWith("git.")) return "firebreak start";
  return "the command that started it, again";
}
