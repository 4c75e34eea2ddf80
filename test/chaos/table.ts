// Global setup of the chaos suite: hands every test file the path of the figures file, and at the
// end prints one table of what the world counted, a row per scenario (test/chaos/figures.ts).

import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { COLUMNS, type Figure, type Row } from "./figures.js";

export function renderTable(rows: Row[]): string {
  const used = (Object.keys(COLUMNS) as Figure[]).filter((c) => rows.some((r) => r[c] !== undefined));
  const head = ["scenario", ...used.map((c) => COLUMNS[c])];
  const body: string[][] = [];
  let group = "";
  const sorted = [...rows].sort((a, b) => a.group.localeCompare(b.group) || a.scenario.localeCompare(b.scenario));
  for (const r of sorted) {
    if (r.group !== group) {
      group = r.group;
      body.push([`[${group}]`, ...used.map(() => "")]);
    }
    body.push([`  ${r.scenario}`, ...used.map((c) => (r[c] === undefined ? "-" : String(r[c])))]);
  }
  const totals = used.map((c) => String(rows.reduce((n, r) => n + (r[c] ?? 0), 0)));
  body.push(["total", ...totals]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((l) => l[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-chaos-"));
  const file = join(dir, "figures.jsonl");
  project.provide("chaosFigures", file);
  return () => {
    const rows: Row[] = existsSync(file)
      ? readFileSync(file, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
    const nonZero = rows.filter((r) =>
      Object.entries(r).some(([k, v]) => typeof v === "number" && k !== "runs" && k !== "held" && v !== 0),
    );
    process.stdout.write(
      `\nFirebreak under faults: ${rows.length} scenarios, ${nonZero.length} with a non-zero figure\n\n${renderTable(rows)}\n\n`,
    );
    rmSync(dir, { recursive: true, force: true });
  };
}
