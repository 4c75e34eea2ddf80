// Runs the real firebreak CLI in the sandbox, one command at a time, printing each command
// before it runs and its output indented under it, so the demo shows exactly what a user types.

import { execFileSync, spawn } from "node:child_process";

export interface StepResult {
  args: string[];
  code: number;
  stdout: string;
  ms: number;
}

export interface RunnerOptions {
  entry: string; // dist/firebreak.js
  cwd: string;
  env: Record<string, string>;
  color: boolean;
  write: (text: string) => void;
}

/** Quotes an argument for display the way a shell user would type it. */
export function shellQuote(a: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

export class Runner {
  readonly history: StepResult[] = [];
  constructor(private readonly o: RunnerOptions) {}

  async firebreak(args: string[], expect: number[] = [0]): Promise<StepResult> {
    const shown = ["firebreak", ...args].map(shellQuote).join(" ");
    this.o.write(`\n${this.o.color ? `\x1b[1m$ ${shown}\x1b[0m` : `$ ${shown}`}\n`);
    const started = Date.now();
    // On a terminal the command gets the terminal itself, so its live views (verify's watch) draw
    // as they would for a user; into a pipe its lines are indented under the command.
    const tty = this.o.color;
    const child = spawn(process.execPath, [this.o.entry, ...args], {
      cwd: this.o.cwd,
      env: { ...process.env, ...this.o.env, ...(tty ? {} : { NO_COLOR: "1" }) },
      stdio: tty ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    const indent = (chunk: Buffer, keep: boolean) => {
      const text = chunk.toString("utf8");
      if (keep) stdout += text;
      this.o.write(text.replace(/^(?=.)/gm, "    "));
    };
    child.stdout?.on("data", (c: Buffer) => indent(c, true));
    child.stderr?.on("data", (c: Buffer) => indent(c, false));
    const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
    const result = { args, code, stdout, ms: Date.now() - started };
    this.history.push(result);
    if (!expect.includes(code)) throw new Error(`\`${shown}\` exited ${code} (expected ${expect.join(" or ")})`);
    return result;
  }

  /** Reads something from the record for the summary: not shown, not counted as a step. */
  json<T>(args: string[]): T {
    const stdout = execFileSync(process.execPath, [this.o.entry, ...args, "--json"], {
      cwd: this.o.cwd,
      env: { ...process.env, ...this.o.env, NO_COLOR: "1" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return JSON.parse(stdout) as T;
  }

  /** A step the engineer does by hand (editing files), shown as a comment. */
  say(text: string): void {
    this.o.write(`\n${this.o.color ? `\x1b[2m# ${text}\x1b[0m` : `# ${text}`}\n`);
  }
}
