// The incident's state as one pure reducer over its timeline:
//
//   incidentState(events) = events.reduce(apply, initialState())
//
// Every reader of a fact (the checklist, status, the PR body, the review, the messages, the
// incident log) asks this state, never the raw kind strings: the kinds are named here once,
// typed against the event catalogue, so renaming a kind fails to compile instead of silently
// un-ticking a checklist item. Facts only the incident's data cache holds (the PR's title, the
// deploy records, verification details) are read beside it, in ./cache.ts.

import type { TimelineEvent } from "../types.js";
import type { EventKind } from "../events/index.js";
import { CHECK_PATTERN, CONFIRM_PATTERN, DEPLOY_DONE_PATTERN, VERDICT_PATTERN, type ConfirmItem, type Verdict } from "../events/kinds.js";
import { isObj, num, str, strings } from "./read.js";

/** Where an event sits on the timeline, for "did this happen after that". */
export interface Mark {
  at: string;
  seq: number;
  actor: string;
}

export interface Confirmation extends Mark {
  item: ConfirmItem;
  note?: string;
  sha?: string;
}

export interface CheckRun extends Mark {
  name: string;
  status: string; // passed, failed, timed-out, skipped, missing, interrupted
  durationMs?: number;
  logPath?: string;
  reason?: string;
}

export interface ChecksSummary extends Mark {
  ok: boolean;
  passed: string[];
  failed: string[];
  missing: string[];
  skipped: string[];
}

export interface Commit extends Mark {
  sha: string;
  subject?: string;
  files: { path: string; added: number; deleted: number }[];
  testFiles: string[];
  testCases: string[];
}

export interface Approval extends Mark {
  by: string;
  note?: string;
  number?: number;
  sha?: string;
}

export interface Waiver extends Mark {
  item: "approval" | "watch";
  by: string;
  reason?: string;
  /** The hotfix commit it covers (absent on older records). */
  commit?: string;
}

export interface DeployEvent extends Mark {
  env: string;
  version?: string;
  tag?: string;
  sha?: string;
  url?: string;
  summary?: string;
}

export interface VerdictEvent extends Mark {
  /** The environment watched, or "rollback" for the version a rollback went back to. */
  slot: string;
  verdict: Verdict;
  summary?: string;
  metrics?: unknown;
  decidedAfterSeconds?: number;
  rollback?: string;
}

export interface Announcement extends Mark {
  channel?: string;
  stage?: string;
  summary?: string;
}

export interface Rollback extends Mark {
  strategy?: string;
  reason?: string;
  summary?: string;
}

export interface JournalStep extends Mark {
  key: string;
  error?: string;
}

export interface IncidentState {
  started: Mark | null;
  branchCreated: Mark | null;
  commits: Commit[];
  confirmations: Confirmation[];
  guard: {
    passed: Mark | null; // the first guard.passed
    /**
     * Overrides in timeline order: "allow" from guard.allowed events (what people gave with
     * `check --allow`), "report" from the lists in the guard's own reports (guard.passed/blocked).
     */
    overrides: Array<{ rule: string; reason?: string; source: "allow" | "report"; seq: number }>;
  };
  checks: { runs: CheckRun[]; summaries: ChecksSummary[] };
  ciGreen: Array<Mark & { sha?: string }>;
  monitoringConfigured: Mark | null;
  prOpened: (Mark & { number?: number; url?: string }) | null;
  approvals: Approval[];
  waivers: Waiver[];
  merged: (Mark & { sha?: string }) | null;
  /** Every release.tagged, in order (the first is when the release was tagged). */
  tags: Array<Mark & { tag?: string; version?: string; summary?: string }>;
  deploys: DeployEvent[];
  verdicts: VerdictEvent[];
  announcements: { sent: Announcement[]; resolved: Mark | null; failed: Announcement[] };
  backports: { done: Array<Mark & { targets: string[] }> };
  review: { done: Mark | null };
  rollbacks: Rollback[];
  followupsOpened: Mark | null;
  /** The effect journal as the timeline tells it (see unfinishedEffects). */
  journal: {
    open: Map<string, { state: "intent" | "possibly-done"; settle?: string }>;
    failed: JournalStep[];
    possiblyDone: JournalStep[];
  };
}

export const initialState = (): IncidentState => ({
  started: null,
  branchCreated: null,
  commits: [],
  confirmations: [],
  guard: { passed: null, overrides: [] },
  checks: { runs: [], summaries: [] },
  ciGreen: [],
  monitoringConfigured: null,
  prOpened: null,
  approvals: [],
  waivers: [],
  merged: null,
  tags: [],
  deploys: [],
  verdicts: [],
  announcements: { sent: [], resolved: null, failed: [] },
  backports: { done: [] },
  review: { done: null },
  rollbacks: [],
  followupsOpened: null,
  journal: { open: new Map(), failed: [], possiblyDone: [] },
});

/** One reduction step. It mutates and returns the state it is given (incidentState starts from a fresh one). */
export function apply(s: IncidentState, e: TimelineEvent): IncidentState {
  const d = e.data ?? {};
  const mark: Mark = { at: e.at, seq: e.seq, actor: e.actor };
  trackJournal(s, e, mark);

  // The template kinds: deploy.<env>.done, verify.<slot>.<verdict>, check.<status>, confirm.<item>.
  const deploy = DEPLOY_DONE_PATTERN.exec(e.kind);
  if (deploy) {
    s.deploys.push({
      ...mark,
      env: deploy[1]!,
      ...opt({ version: str(d.version), tag: str(d.tag), sha: str(d.sha), url: str(d.url), summary: str(d.summary) }),
    });
    return s;
  }
  const verdict = VERDICT_PATTERN.exec(e.kind);
  if (verdict) {
    s.verdicts.push({
      ...mark,
      slot: verdict[1]!,
      verdict: verdict[2] as Verdict,
      ...opt({ summary: str(d.summary), decidedAfterSeconds: num(d.decidedAfterSeconds), rollback: str(d.rollback) }),
      ...(d.metrics !== undefined ? { metrics: d.metrics } : {}),
    });
    return s;
  }
  const check = CHECK_PATTERN.exec(e.kind);
  if (check) {
    s.checks.runs.push({
      ...mark,
      name: str(d.name) ?? "",
      status: check[1]!,
      ...opt({ durationMs: num(d.durationMs), logPath: str(d.logPath), reason: str(d.reason) }),
    });
    return s;
  }
  const confirm = CONFIRM_PATTERN.exec(e.kind);
  if (confirm) {
    s.confirmations.push({
      ...mark,
      item: confirm[1] as ConfirmItem,
      ...opt({ note: typeof d.note === "string" ? d.note : undefined, sha: str(d.sha) }),
    });
    return s;
  }

  // Typed against the catalogue: a case naming a kind it does not list stops compiling.
  switch (e.kind as EventKind) {
    case "incident.started":
      s.started ??= mark;
      break;
    case "branch.created":
      s.branchCreated ??= mark;
      break;
    case "commit.created":
      s.commits.push({
        ...mark,
        sha: str(d.sha) ?? "",
        ...opt({ subject: str(d.subject) }),
        files: (Array.isArray(d.files) ? d.files : [])
          .filter(isObj)
          .flatMap((f) => (str(f.path) ? [{ path: str(f.path)!, added: num(f.added) ?? 0, deleted: num(f.deleted) ?? 0 }] : [])),
        testFiles: strings(d.testFiles),
        testCases: strings(d.testCases),
      });
      break;
    case "guard.passed":
    case "guard.blocked":
      if (e.kind === "guard.passed") s.guard.passed ??= mark;
      for (const a of Array.isArray(d.allowed) ? d.allowed.filter(isObj) : [])
        if (str(a.rule)) s.guard.overrides.push({ rule: str(a.rule)!, ...opt({ reason: str(a.reason) }), source: "report", seq: e.seq });
      break;
    case "guard.allowed":
      if (str(d.rule)) s.guard.overrides.push({ rule: str(d.rule)!, ...opt({ reason: str(d.reason) }), source: "allow", seq: e.seq });
      break;
    case "checks.passed":
    case "checks.failed":
      s.checks.summaries.push({
        ...mark,
        ok: e.kind === "checks.passed",
        passed: strings(d.passed),
        failed: strings(d.failed),
        missing: strings(d.missing),
        skipped: strings(d.skipped),
      });
      break;
    case "ci.green":
      s.ciGreen.push({ ...mark, ...opt({ sha: str(d.sha) }) });
      break;
    case "monitoring.configured":
      s.monitoringConfigured ??= mark;
      break;
    case "pr.opened":
      s.prOpened ??= { ...mark, ...opt({ number: num(d.number), url: str(d.url) }) };
      break;
    case "review.approved":
      s.approvals.push({ ...mark, by: str(d.by) ?? e.actor, ...opt({ note: str(d.note), number: num(d.number), sha: str(d.sha) }) });
      break;
    case "approval.waived":
    case "watch.waived":
      s.waivers.push({
        ...mark,
        item: e.kind === "approval.waived" ? "approval" : "watch",
        by: str(d.by) ?? e.actor,
        ...opt({ reason: typeof d.reason === "string" ? d.reason : undefined, commit: str(d.commit) }),
      });
      break;
    case "release.merged":
      s.merged ??= { ...mark, ...opt({ sha: str(d.sha) }) };
      break;
    case "release.tagged":
      s.tags.push({ ...mark, ...opt({ tag: str(d.tag), version: str(d.version), summary: str(d.summary) }) });
      break;
    case "announce.sent":
      s.announcements.sent.push({ ...mark, ...opt({ channel: str(d.channel), stage: str(d.stage), summary: str(d.summary) }) });
      break;
    case "announce.resolved":
      s.announcements.resolved ??= mark;
      break;
    case "announce.failed":
      s.announcements.failed.push({ ...mark, ...opt({ channel: str(d.channel), summary: str(d.summary) }) });
      break;
    case "backport.done":
      s.backports.done.push({ ...mark, targets: strings(d.targets) });
      break;
    case "review.done":
      s.review.done ??= mark;
      break;
    case "rollback.done":
      s.rollbacks.push({ ...mark, ...opt({ strategy: str(d.strategy), reason: str(d.reason), summary: str(d.summary) }) });
      break;
    case "followups.opened":
      s.followupsOpened ??= mark;
      break;
    default:
      break;
  }
  return s;
}

/**
 * The journal's own events: effect.intent opens a key; its done event (which carries the key),
 * effect.failed or effect.retry closes it; effect.possibly-done marks it unknown.
 */
function trackJournal(s: IncidentState, e: TimelineEvent, mark: Mark): void {
  const key = typeof e.data?.key === "string" ? e.data.key : null;
  if (!key) return;
  const j = s.journal;
  switch (e.kind as EventKind) {
    case "effect.intent":
      j.open.set(key, { state: "intent" });
      return;
    case "effect.possibly-done":
      j.open.set(key, { state: "possibly-done", ...opt({ settle: typeof e.data.settle === "string" ? e.data.settle : undefined }) });
      j.possiblyDone.push({ ...mark, key });
      return;
    case "effect.failed":
      j.failed.push({ ...mark, key, ...opt({ error: str(e.data.error) }) });
      j.open.delete(key);
      return;
    default:
      j.open.delete(key);
  }
}

/** The state of an incident's timeline (events in seq order). */
export const incidentState = (events: readonly TimelineEvent[]): IncidentState => events.reduce(apply, initialState());

/** Drops undefined fields, so readers' output has no `key: undefined`. */
function opt<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
