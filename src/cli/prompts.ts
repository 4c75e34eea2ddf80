// Questions on a terminal. Only called when stdin and stdout are terminals: a pipe never waits.

import { createInterface } from "node:readline/promises";
import { CRITERIA } from "../domain/criteria.js";
import { stopSignal } from "../stop.js";

/** Ctrl-C at a question: the person chose to stop, which is no error. run-command exits 130, quietly. */
export class PromptInterrupted extends Error {
  constructor() {
    super("interrupted at a question");
    this.name = "PromptInterrupted";
  }
}

/**
 * readline rejects a pending question with an AbortError when Ctrl-C closes it, or when SIGTERM or
 * SIGHUP stops the run (stopSignal): the wait ends and the run unwinds.
 */
async function question(rl: ReturnType<typeof createInterface>, text: string): Promise<string> {
  try {
    return await rl.question(text, { signal: stopSignal() });
  } catch (e) {
    if ((e as { code?: string; name?: string }).code === "ABORT_ERR" || (e as Error).name === "AbortError") throw new PromptInterrupted();
    throw e;
  }
}

export async function askCriteria(): Promise<{ criteria: string[]; productionBroken: boolean; deadline: boolean }> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write("What is happening? Pick every number that applies, separated by commas.\n");
    CRITERIA.forEach((c, i) => process.stderr.write(`  ${String(i + 1).padStart(2)}  [${c.level}] ${c.label}\n`));
    process.stderr.write("   0  none of these: production is not broken and there is no deadline\n");
    for (let attempt = 0; attempt < 5; attempt++) {
      const answer = (await question(rl, "> ")).trim();
      if (answer === "0") return { criteria: [], productionBroken: false, deadline: false };
      const picks = answer
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(Number);
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

export async function askText(text: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await question(rl, `${text} `)).trim();
  } finally {
    rl.close();
  }
}
