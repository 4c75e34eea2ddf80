// The one reader of incident.data.deploys, for every area that asks "what was deployed, where and
// when" (verify's deploy time, the review's resolution, whether a rollback is what runs now).
// ship and rollback write it keyed by environment ({production: [{env, version, at, purpose…}]});
// older or hand-made records may hold a plain list, other time keys, or a bare version string.
// A shape this reader does not know gives an empty answer, never a crash.

import type { Incident, TimelineEvent } from "./types.js";

export interface DeployFacts {
  env: string;
  at?: string; // ISO 8601 UTC
  what?: string; // version, tag or sha
  url?: string;
  state?: string;
  /** Why it was deployed: "release" (ship) or "rollback" (rollback); absent on older records. */
  purpose?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v : typeof v === "number" ? String(v) : undefined;
const isoOf = (v: unknown): string | undefined => {
  const s = str(v);
  return s && !Number.isNaN(Date.parse(s)) ? new Date(s).toISOString() : undefined;
};

/** The keys a deploy's time has gone by, in the order they are trusted. */
const TIME_KEYS = ["at", "finishedAt", "doneAt", "deployedAt"] as const;

function one(d: unknown, envKey?: string): DeployFacts | null {
  if (!isObj(d)) return typeof d === "string" && envKey ? { env: envKey, what: d } : null;
  const env = str(d.env) ?? str(d.environment) ?? envKey;
  if (!env) return null;
  let at: string | undefined;
  for (const k of TIME_KEYS) if ((at = isoOf(d[k]))) break;
  const purpose = str(d.purpose);
  return {
    env,
    at,
    what: str(d.version) ?? str(d.tag) ?? str(d.sha) ?? str(d.ref),
    url: str(d.url),
    state: str(d.state) ?? str(d.status),
    ...(purpose ? { purpose } : {}),
  };
}

/**
 * Deploys from data.deploys (a list, or an object keyed by environment whose values are one deploy
 * or a list), in the order they were recorded; without any, the deploy.<env>.done events.
 */
export function readDeploys(incident: Incident, events: readonly TimelineEvent[]): DeployFacts[] {
  const raw = incident.data.deploys;
  let list: DeployFacts[] = [];
  if (Array.isArray(raw)) list = raw.map((d) => one(d)).filter((d): d is DeployFacts => d !== null);
  else if (isObj(raw))
    list = Object.entries(raw)
      .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => one(x, k)) : [one(v, k)]))
      .filter((d): d is DeployFacts => d !== null);
  if (list.length > 0) return list;
  return events
    .filter((e) => /^deploy\.[^.]+\.done$/.test(e.kind))
    .map((e) => ({
      env: e.kind.split(".")[1] ?? "?",
      at: e.at,
      what: str(e.data.version) ?? str(e.data.tag) ?? str(e.data.sha) ?? str(e.data.summary),
      url: str(e.data.url),
      state: "done",
    }));
}

/** The latest deploy to `env`: the latest time, and among equal (or missing) times the one recorded last. */
export function latestDeploy(incident: Incident, events: readonly TimelineEvent[], env: string): DeployFacts | null {
  let best: DeployFacts | null = null;
  let bestT = Number.NEGATIVE_INFINITY;
  for (const d of readDeploys(incident, events)) {
    if (d.env !== env) continue;
    const t = d.at ? Date.parse(d.at) : Number.NEGATIVE_INFINITY;
    if (t >= bestT) {
      best = d;
      bestT = t;
    }
  }
  return best;
}

/**
 * Production runs the version a rollback went back to: the incident is rolled back, or the latest
 * production deploy on the record is a rollback's. A verdict on production then is about that
 * version, not the fix.
 */
export function rollbackIsLive(incident: Incident, events: readonly TimelineEvent[]): boolean {
  return incident.status === "rolled-back" || latestDeploy(incident, events, "production")?.purpose === "rollback";
}
