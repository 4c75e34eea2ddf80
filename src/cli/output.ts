// Everything the CLI prints goes through here: colour only on a terminal and never with NO_COLOR,
// JSON on stdout with --json (human text then goes nowhere), errors and hints on stderr, and
// secrets redacted on the way out.

import pc from "picocolors";
import { redact, redactDeep } from "../redact.js";
import { FirebreakError, EXIT } from "../errors.js";

export interface OutputOptions {
  json: boolean;
  debug: boolean;
  color?: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export class Output {
  readonly json: boolean;
  readonly debug: boolean;
  readonly color: boolean;
  private readonly out: NodeJS.WritableStream;
  private readonly err: NodeJS.WritableStream;

  constructor(opts: OutputOptions) {
    this.json = opts.json;
    this.debug = opts.debug;
    this.out = opts.stdout ?? process.stdout;
    this.err = opts.stderr ?? process.stderr;
    const tty = (this.out as { isTTY?: boolean }).isTTY === true;
    this.color = opts.color ?? (tty && !process.env.NO_COLOR && process.env.TERM !== "dumb");
  }

  private paint(fn: (s: string) => string, s: string): string {
    return this.color ? fn(s) : s;
  }
  bold = (s: string) => this.paint(pc.bold, s);
  dim = (s: string) => this.paint(pc.dim, s);
  red = (s: string) => this.paint(pc.red, s);
  green = (s: string) => this.paint(pc.green, s);
  yellow = (s: string) => this.paint(pc.yellow, s);
  cyan = (s: string) => this.paint(pc.cyan, s);

  /** Human text to stdout; silent in --json mode so scripts get one JSON document. */
  line(text = ""): void {
    if (!this.json) this.out.write(redact(text) + "\n");
  }
  success(text: string): void {
    this.line(`${this.green("✔")} ${text}`);
  }
  warn(text: string): void {
    this.err.write(redact(`${this.yellow("!")} ${text}`) + "\n");
  }
  /** Progress notes go to stderr so stdout stays clean for pipes. */
  info(text: string): void {
    this.err.write(redact(text) + "\n");
  }
  /** The next command to run: every message ends with one. */
  next(command: string): void {
    this.line(`${this.bold("Next:")} ${command}`);
  }
  /** Key/value rows aligned in two columns. */
  fields(rows: Array<[string, string]>): void {
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) this.line(`  ${this.dim(k.padEnd(width))}  ${v}`);
  }
  data(value: unknown): void {
    if (this.json) this.out.write(JSON.stringify(redactDeep(value), null, 2) + "\n");
  }
  /**
   * A secret issued by this command, shown to the person it is for, once (a new token): the one
   * place a secret is printed on purpose, so it is written unmasked, and only here.
   */
  issued(line: string, secret: string, json: Record<string, unknown>): void {
    if (this.json) {
      const masked = redactDeep(json) as Record<string, unknown>;
      this.out.write(JSON.stringify({ ...masked, token: secret }, null, 2) + "\n");
      return;
    }
    this.out.write(`${redact(line)}\n${secret}\n`);
  }

  error(e: unknown): number {
    if (e instanceof FirebreakError) {
      if (this.json) this.out.write(JSON.stringify(redactDeep({ error: e.toJSON() }), null, 2) + "\n");
      const lines = [`${this.red("✖")} ${e.message}`];
      for (const d of e.details) lines.push(`  - ${d}`);
      if (e.why) lines.push(`  ${this.dim("why:")} ${e.why}`);
      if (e.next) lines.push(`${this.bold("Next:")} ${e.next}`);
      if (this.debug && e.stack) lines.push(this.dim(e.stack));
      this.err.write(redact(lines.join("\n")) + "\n");
      return e.exit;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    if (this.json) this.out.write(JSON.stringify({ error: { code: "UNEXPECTED", message: redact(err.message) } }) + "\n");
    const lines = [`${this.red("✖")} Unexpected error: ${err.message}`];
    lines.push(
      this.debug && err.stack ? this.dim(err.stack) : `${this.bold("Next:")} run the same command with --debug and report the output`,
    );
    this.err.write(redact(lines.join("\n")) + "\n");
    return EXIT.unexpected;
  }
}
