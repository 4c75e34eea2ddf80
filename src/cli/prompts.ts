// Questions on a terminal. Only called when stdin and stdout are terminals: a pipe never waits.

import { createInterface } from "node:readline/promises";
import { CRITERIA } from "../domain/criteria.js";
import { stopSignal } from "../adapters/process.js";

export async function askCriteria(): Promise<{ criteria: string[]; productionBroken: boolean; deadline: boolean }> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write("What is happening? Pick every number that applies, separated by commas.\n");
    CRITERIA.forEach((c, i) => process.stderr.write(`  ${String(i + 1).padStart(2)}  [${c.level}] ${c.label}\n`));
    process.stderr.write("   0  none of these: production is not broken and there is no deadline\n");
    for (let attempt = 0; attempt < 5; attempt++) {
      const answer = (await rl.question("> ", { signal: stopSignal() })).trim();
      if (answer === "0") return { criteria: [], productionBroken: false, deadline: false };
      const picks = answer.split(/[\s,]+/).filter(Boolean).map(Number);
      if (picks.length > 0 && picks.every((n) => Number.isInteger(n) && n >= 1 && n <= CRITERIA.length)) {
        const criteria = picks.map((n) => CRITERIA[n - 1]!.id);
        return { criteria, productionBroken: true, deadline: false };
      }
      process.stderr.write(`Enter numbers from 1 to ${CRITERIA.length}, or 0.\n`);
    }
    throw new Error("no valid answer after 5 attempts");
  } finally {
    rl.close();
  }
}

export async function askText(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    // SIGTERM or SIGHUP while waiting for an answer ends the wait: the run unwinds and records it.
    return (await rl.question(`${question} `, { signal: stopSignal() })).trim();
  } finally {
    rl.close();
  }
}
