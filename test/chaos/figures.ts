// One row of the chaos table per scenario: what the world (a bare remote, the deploy script's own
// log, HTTP/SMTP receivers, the files written) says happened. Every figure but `runs` must be 0;
// `held` counts effects that a person must settle because the world cannot be asked (a chat
// webhook, SMTP), which is the designed behaviour, shown but not a failure.

import { appendFileSync } from "node:fs";
import { expect, inject } from "vitest";

export const COLUMNS = {
  runs: "runs",
  duplicates: "duplicates",
  lostEvents: "lost events",
  atIntent: "left at intent",
  notDone: "not done",
  manualRepairs: "manual repairs",
  overlaps: "overlapping deploys",
  canaries: "canary hits",
  bothProceeded: "both proceeded",
  unnamedHolder: "holder unnamed",
  childrenLeft: "children left",
  notRecorded: "not recorded",
  notResumable: "not resumable",
  held: "held for a person",
} as const;

export type Figure = keyof typeof COLUMNS;
export type Row = { group: string; scenario: string; notes?: string[] } & Partial<Record<Figure, number>>;

/** Figures that are fine when non-zero: counts of work, and the designed "ask a person". */
const INFORMATIONAL: Figure[] = ["runs", "held"];

declare module "vitest" {
  export interface ProvidedContext {
    chaosFigures: string;
  }
}

/** Adds the rows to the table, then fails the test when any figure is not zero. */
export function report(...rows: Row[]): void {
  for (const row of rows) appendFileSync(inject("chaosFigures"), JSON.stringify(row) + "\n");
  const bad = rows.flatMap((row) =>
    Object.entries(row)
      .filter(([k, v]) => typeof v === "number" && !INFORMATIONAL.includes(k as Figure) && v !== 0)
      .map(([k, v]) => `${row.group} / ${row.scenario}: ${COLUMNS[k as Figure]} ${v}\n  ${(row.notes ?? []).join("\n  ")}`),
  );
  expect(bad).toEqual([]);
}
