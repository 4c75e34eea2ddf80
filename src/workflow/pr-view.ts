// What the PR body says, computed from the record alone: a box is ticked only when an event
// proves it. Pure: the timeline and settings in, the template's view out.

import type { Incident, Priority, TimelineEvent } from "../domain/types.js";
import { LEVELS } from "../domain/levels.js";

export type RollbackStrategy = "revert" | "previous-version" | "feature-flag";

export interface PrSettings {
  titleFormat?: string;
  rollback: { strategy: RollbackStrategy; flag?: string };
  metrics: string[];
  smokeTests: string[];
}

const CONFIRMATIONS: [kind: string, label: string][] = [
  ["reproduced", "Reproduced the issue"],
  ["fixed", "Verified the fix"],
  ["happy-path", "Happy path works"],
  ["edge-cases", "Edge cases tested"],
  ["no-regressions", "Nothing new broken"],
];

export interface PrView {
  ticket: string;
  title: string;
  priority: Priority;
  levelKind: string;
  respondWithin: string;
  discoveredAt: string;
  deadlineAt: string;
  branch: string;
  base: string;
  whatWasBroken: string;
  impact: string;
  rootCause: string;
  commits: { sha: string; short: string }[];
  files: { path: string; added: number; deleted: number }[];
  anyFiles: boolean;
  fileCount: number;
  totalAdded: number;
  totalDeleted: number;
  checks: { name: string; passed: boolean; status: string }[];
  confirmations: { label: string; done: boolean; summary: string }[];
  testFiles: string[];
  testCases: string[];
  rollback: string;
  metrics: string[];
  smokeTests: string[];
  monitoring: boolean;
  overrides: { rule: string; reason: string }[];
  anyOverrides: boolean;
}

const str = (v: unknown): string => (typeof v === "string" ? v.trim() : "");
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Free text or a {who, severity, userImpact}-like object, as one paragraph. */
function prose(v: unknown): string {
  if (typeof v === "string") return v.trim();
  if (v && typeof v === "object" && !Array.isArray(v))
    return Object.entries(v)
      .filter(([, x]) => typeof x === "string" || typeof x === "number")
      .map(([k, x]) => `${k}: ${String(x)}`)
      .join("\n");
  return "";
}

function rollbackText(s: PrSettings, ticket: string, base: string): string {
  switch (s.rollback.strategy) {
    case "previous-version":
      return `Strategy: previous version. Deploy the version that ran before this release again (firebreak rollback ${ticket}).`;
    case "feature-flag":
      return `Strategy: feature flag. Switch ${s.rollback.flag ? `the flag ${s.rollback.flag}` : "the feature flag"} off (firebreak rollback ${ticket}).`;
    default:
      return `Strategy: revert. Revert the fix on ${base} and deploy again (firebreak rollback ${ticket}).`;
  }
}

export function buildPrView(incident: Incident, events: readonly TimelineEvent[], settings: PrSettings): PrView {
  const level = LEVELS[incident.priority];

  const checks = new Map<string, { name: string; passed: boolean; status: string }>();
  const confirmed = new Map<string, string>();
  const files = new Map<string, { path: string; added: number; deleted: number }>();
  const commits: PrView["commits"] = [];
  const testFiles = new Set<string>();
  const testCases = new Set<string>();
  const overrides = new Map<string, string>();

  for (const ev of events) {
    const d = ev.data;
    const m = /^check\.(passed|failed|skipped)$/.exec(ev.kind);
    if (m) {
      const name = str(d.name) || "check";
      const secs = Math.round(num(d.durationMs) / 100) / 10;
      const status =
        m[1] === "passed" ? `passed${d.durationMs !== undefined ? ` in ${secs} s` : ""}` : m[1] === "failed" ? `FAILED${str(d.logPath) ? ` (log: ${str(d.logPath)})` : ""}` : `skipped: ${str(d.reason) || "no reason given"}`;
      checks.set(name, { name, passed: m[1] === "passed", status });
      continue;
    }
    const c = /^confirm\.(.+)$/.exec(ev.kind);
    if (c?.[1]) {
      confirmed.set(c[1], [str(d.summary), str(d.note)].filter(Boolean).join(": "));
      continue;
    }
    if (ev.kind === "commit.created") {
      const sha = str(d.sha);
      if (sha) commits.push({ sha, short: sha.slice(0, 10) });
      for (const f of Array.isArray(d.files) ? (d.files as Record<string, unknown>[]) : []) {
        const path = str(f.path);
        if (!path) continue;
        const prev = files.get(path) ?? { path, added: 0, deleted: 0 };
        files.set(path, { path, added: prev.added + num(f.added), deleted: prev.deleted + num(f.deleted) });
      }
      for (const t of Array.isArray(d.testFiles) ? d.testFiles : []) if (str(t)) testFiles.add(str(t));
      for (const t of Array.isArray(d.testCases) ? d.testCases : []) if (str(t)) testCases.add(str(t));
      continue;
    }
    if (ev.kind === "guard.allowed" && str(d.rule)) overrides.set(str(d.rule), str(d.reason));
    if (ev.kind === "guard.passed" || ev.kind === "guard.blocked")
      for (const a of Array.isArray(d.allowed) ? (d.allowed as Record<string, unknown>[]) : []) if (str(a.rule)) overrides.set(str(a.rule), str(a.reason));
  }

  const fileList = [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
  return {
    ticket: incident.ticket,
    title: incident.title,
    priority: incident.priority,
    levelKind: level.kind,
    respondWithin: level.respondWithin,
    discoveredAt: incident.discoveredAt,
    deadlineAt: incident.deadlineAt,
    branch: incident.branch,
    base: incident.base,
    whatWasBroken: prose(incident.data.whatWasBroken),
    impact: prose(incident.data.impact),
    rootCause: prose(incident.data.rootCause),
    commits,
    files: fileList,
    anyFiles: fileList.length > 0,
    fileCount: fileList.length,
    totalAdded: fileList.reduce((n, f) => n + f.added, 0),
    totalDeleted: fileList.reduce((n, f) => n + f.deleted, 0),
    checks: [...checks.values()],
    confirmations: CONFIRMATIONS.map(([kind, label]) => ({ label, done: confirmed.has(kind), summary: confirmed.get(kind) ?? "" })),
    testFiles: [...testFiles],
    testCases: [...testCases],
    rollback: rollbackText(settings, incident.ticket, incident.base),
    metrics: settings.metrics,
    smokeTests: settings.smokeTests,
    monitoring: settings.metrics.length + settings.smokeTests.length > 0,
    overrides: [...overrides].map(([rule, reason]) => ({ rule, reason: reason || "no reason recorded" })),
    anyOverrides: overrides.size > 0,
  };
}

/** Reads the PR settings from config defensively: `pr.titleFormat`, `deploy.rollback`, `verify.metrics`, `verify.smokeTests`. */
export function readPrSettings(config: unknown): PrSettings {
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const c = obj(config);
  const pr = obj(c.pr);
  const deploy = obj(c.deploy);
  const verify = obj(c.verify);
  const rb = deploy.rollback;
  const rbObj = obj(rb);
  const rawStrategy = typeof rb === "string" ? rb : str(rbObj.strategy);
  const strategy: RollbackStrategy = rawStrategy === "previous-version" || rawStrategy === "feature-flag" ? rawStrategy : "revert";
  const named = (list: unknown, describe: (o: Record<string, unknown>) => string): string[] =>
    (Array.isArray(list) ? list : []).map((x) => (typeof x === "string" ? x.trim() : describe(obj(x)))).filter((s) => s !== "");
  return {
    titleFormat: str(pr.titleFormat) || undefined,
    rollback: { strategy, ...(str(rbObj.flag) ? { flag: str(rbObj.flag) } : {}) },
    metrics: named(verify.metrics, (o) => str(o.name) || str(o.query)),
    smokeTests: named(verify.smokeTests ?? verify.smoke, (o) => {
      const what = str(o.name) || [str(o.method) || "GET", str(o.url)].filter(Boolean).join(" ");
      const expect = o.expectStatus ?? o.status;
      return what && expect !== undefined ? `${what} → ${String(expect)}` : what;
    }),
  };
}
