// What the PR body says, computed from the record alone: a box is ticked only when an event
// proves it. buildPrView is pure: the timeline and settings in, the template's view out.

import type { Incident, Priority, TimelineEvent } from "../domain/types.js";
import { incidentLevelKind, LEVELS } from "../domain/levels.js";
import type { ConfirmItem } from "../domain/events/index.js";
import { incidentState } from "../domain/state/state.js";
import { confirmation } from "../domain/state/facts.js";
import type { Config } from "../config/schema.js";
import { rollbackPlan } from "../ship/rollback-plan.js";
import { createDeployer } from "../adapters/deploy/create.js";

export interface PrSettings {
  titleFormat?: string;
  /** The default rollback strategy and how it would run (from ship's rollback plan). */
  rollback: { strategy: string; how: string };
  metrics: string[];
  smokeTests: string[];
}

const CONFIRMATIONS: [item: ConfirmItem, label: string][] = [
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

const STRATEGY_WORDS: Record<string, string> = { revert: "revert", previous: "previous version", flag: "feature flag" };

function rollbackText(s: PrSettings, ticket: string): string {
  return `Strategy: ${STRATEGY_WORDS[s.rollback.strategy] ?? s.rollback.strategy}. ${s.rollback.how.charAt(0).toUpperCase()}${s.rollback.how.slice(1)} (firebreak rollback ${ticket}).`;
}

export function buildPrView(incident: Incident, events: readonly TimelineEvent[], settings: PrSettings): PrView {
  const level = LEVELS[incident.priority];
  const state = incidentState(events);

  // The latest result of each check that passed, failed or was skipped (by name, first seen first).
  const checks = new Map<string, { name: string; passed: boolean; status: string }>();
  for (const r of state.checks.runs) {
    if (r.status !== "passed" && r.status !== "failed" && r.status !== "skipped") continue;
    const name = r.name.trim() || "check";
    const secs = Math.round((r.durationMs ?? 0) / 100) / 10;
    const status =
      r.status === "passed"
        ? `passed${r.durationMs !== undefined ? ` in ${secs} s` : ""}`
        : r.status === "failed"
          ? `FAILED${str(r.logPath) ? ` (log: ${str(r.logPath)})` : ""}`
          : `skipped: ${str(r.reason) || "no reason given"}`;
    checks.set(name, { name, passed: r.status === "passed", status });
  }
  const files = new Map<string, { path: string; added: number; deleted: number }>();
  const commits: PrView["commits"] = [];
  const testFiles = new Set<string>();
  const testCases = new Set<string>();
  for (const c of state.commits) {
    const sha = str(c.sha);
    if (sha) commits.push({ sha, short: sha.slice(0, 10) });
    for (const f of c.files) {
      const path = str(f.path);
      if (!path) continue;
      const prev = files.get(path) ?? { path, added: 0, deleted: 0 };
      files.set(path, { path, added: prev.added + f.added, deleted: prev.deleted + f.deleted });
    }
    for (const t of c.testFiles) if (str(t)) testFiles.add(str(t));
    for (const t of c.testCases) if (str(t)) testCases.add(str(t));
  }
  const overrides = new Map<string, string>();
  for (const o of state.guard.overrides) if (str(o.rule)) overrides.set(str(o.rule), str(o.reason));

  const fileList = [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
  return {
    ticket: incident.ticket,
    title: incident.title,
    priority: incident.priority,
    levelKind: incidentLevelKind(incident),
    respondWithin: level.respondWithin,
    discoveredAt: forPeople(incident.discoveredAt),
    deadlineAt: forPeople(incident.deadlineAt),
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
    // The label already says what was confirmed; the summary ("the issue was reproduced") would repeat it.
    confirmations: CONFIRMATIONS.map(([item, label]) => {
      const c = confirmation(state, item);
      return { label, done: c !== undefined, summary: str(c?.note) };
    }),
    testFiles: [...testFiles],
    testCases: [...testCases],
    rollback: rollbackText(settings, incident.ticket),
    metrics: settings.metrics,
    smokeTests: settings.smokeTests,
    monitoring: settings.metrics.length + settings.smokeTests.length > 0,
    overrides: [...overrides].map(([rule, reason]) => ({ rule, reason: reason || "no reason recorded" })),
    anyOverrides: overrides.size > 0,
  };
}

/**
 * The production deployer, to say how a rollback would run. Writing the PR must not need the
 * deploy token: without it the plan is told from config alone (ship itself stops on a missing token).
 */
function productionDeployer(config: Config, env: NodeJS.ProcessEnv) {
  try {
    return createDeployer(config, "production", env);
  } catch {
    return null;
  }
}

/** The PR settings from config: `pr.titleFormat`, the rollback plan, `verify.metrics`, `verify.smoke`. */
export function readPrSettings(config: Config, env: NodeJS.ProcessEnv = process.env): PrSettings {
  const plan = rollbackPlan(config, productionDeployer(config, env), null);
  const chosen = plan.find((o) => o.isDefault) ?? plan[0]!;
  return {
    titleFormat: config.pr.titleFormat,
    rollback: {
      strategy: chosen.strategy,
      how: chosen.how.replace("no earlier release tag to redeploy", "redeploy the release that ran before this one"),
    },
    metrics: config.verify.metrics.map((m) => m.name),
    smokeTests: config.verify.smoke.map(
      (t) => `${t.name} → ${Array.isArray(t.expectStatus) ? t.expectStatus.join("/") : String(t.expectStatus)}`,
    ),
  };
}

/** "2026-11-27 14:23 UTC": what people read in a PR, not an ISO timestamp. */
function forPeople(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
