// The triage criteria from SPEC part 1. Ids are stable: they are stored on incidents, passed as
// flags (`--criteria auth-bypass,data-exposure`) and read by scripts, so never rename one.

import type { Priority } from "./types.js";

export interface Criterion {
  id: string;
  level: Priority;
  label: string; // what a person picks from a list
  hint: string; // an example, to tell neighbouring criteria apart
}

const LIST: Criterion[] = [
  // P0: security hole / data exposure
  {
    id: "auth-bypass",
    level: "P0",
    label: "Authentication or authorization bypass",
    hint: "someone can act as another user, or without logging in",
  },
  {
    id: "data-exposure",
    level: "P0",
    label: "Data breach or exposure",
    hint: "private data is readable by people who should not see it",
  },
  {
    id: "remote-code-execution",
    level: "P0",
    label: "Remote code execution",
    hint: "an attacker can run code on our servers or in users' sessions",
  },
  {
    id: "production-unavailable",
    level: "P0",
    label: "Production completely unavailable",
    hint: "nobody can use the product at all",
  },
  {
    id: "data-corruption",
    level: "P0",
    label: "Data corruption affecting many users",
    hint: "stored data is being written wrong or destroyed",
  },
  {
    id: "payments-broken",
    level: "P0",
    label: "Payments completely broken",
    hint: "no customer can pay",
  },
  // P1: production down
  {
    id: "critical-feature-broken",
    level: "P1",
    label: "A critical feature completely broken",
    hint: "e.g. sign-up, checkout or search does not work for anyone",
  },
  {
    id: "errors-most-users",
    level: "P1",
    label: "An error hitting most users",
    hint: "most requests or sessions end in an error",
  },
  {
    id: "revenue-impact",
    level: "P1",
    label: "Revenue-impacting bug",
    hint: "we are losing money while it lasts",
  },
  {
    id: "database-connectivity",
    level: "P1",
    label: "Database connectivity problems",
    hint: "the application cannot reach or hold connections to its database",
  },
  {
    id: "third-party-failure",
    level: "P1",
    label: "Failure of a critical third-party integration",
    hint: "e.g. the payment provider, identity provider or email delivery fails",
  },
  // P2: major bug
  {
    id: "major-feature-partial",
    level: "P2",
    label: "A major feature partly broken",
    hint: "it works for some inputs or some of the time",
  },
  {
    id: "segment-affected",
    level: "P2",
    label: "One segment of users affected",
    hint: "e.g. one region, plan, browser or language",
  },
  {
    id: "poor-workaround",
    level: "P2",
    label: "A poor workaround exists",
    hint: "users can get it done, painfully",
  },
  {
    id: "performance-degraded",
    level: "P2",
    label: "Performance degraded but not failed",
    hint: "slow, but requests still succeed",
  },
  // P3: business critical, nothing broken
  {
    id: "campaign-blocker",
    level: "P3",
    label: "Marketing campaign blocker",
    hint: "a campaign cannot launch on its date without this change",
  },
  {
    id: "partner-deadline",
    level: "P3",
    label: "Partner deadline",
    hint: "a contractual or partner date depends on this change",
  },
];

export const CRITERIA: readonly Criterion[] = Object.freeze(LIST.map((c) => Object.freeze(c)));

const byId = new Map(CRITERIA.map((c) => [c.id, c]));

/** The criterion with this id, or undefined. Ids are matched exactly (they are lower case). */
export const criterionById = (id: string): Criterion | undefined => byId.get(id);
