// The one error class Firebreak throws on purpose. Its code comes from the catalogue, and so does
// its exit; the CLI prints it without a stack (stacks only with --debug) and exits with that code.

import { redact } from "../redact.js";
import { CATALOGUE, type CatalogueEntry, type ErrorCode, type ExitChosenCode } from "./catalogue.js";
import type { ExitCode, SignalExit } from "./exit.js";

interface Said {
  message: string; // what happened, one line
  why?: string; // why it matters or why it happened; else the catalogue's, where it shows one
  next?: string; // the next command to run; else the catalogue's, where it shows one
  details?: string[]; // items: files, problems, fields
}

/** What a call site says. The exit is the catalogue's; only a code with `exits` takes one here. */
export type ErrorInfo =
  | (Said & { code: Exclude<ErrorCode, ExitChosenCode>; exit?: never })
  | (Said & { code: ExitChosenCode; exit: SignalExit });

/** The error as --json prints it (the same keys in the same order as ever). */
export interface ErrorJson {
  code: ErrorCode;
  message: string;
  why: string | undefined;
  next: string | undefined;
  exit: number;
  details: string[];
}

export class FirebreakError extends Error {
  readonly code: ErrorCode;
  readonly why: string | undefined;
  readonly next: string | undefined;
  readonly exit: ExitCode;
  readonly details: string[];
  constructor(info: ErrorInfo, options?: { cause?: unknown }) {
    // An error's text may quote an outside answer; it is masked here as well as where it is shown.
    super(redact(info.message), options);
    const entry: CatalogueEntry = CATALOGUE[info.code];
    const shown = (k: "why" | "next") => (entry.shows?.includes(k) ? entry[k] : undefined);
    const why = info.why ?? shown("why");
    const next = info.next ?? shown("next");
    this.name = "FirebreakError";
    this.code = info.code;
    this.why = why === undefined ? undefined : redact(why);
    this.next = next === undefined ? undefined : redact(next);
    this.exit = info.exit ?? entry.exit;
    this.details = (info.details ?? []).map(redact);
  }
  toJSON(): ErrorJson {
    return { code: this.code, message: this.message, why: this.why, next: this.next, exit: this.exit, details: this.details };
  }
}

export const isFirebreakError = (e: unknown): e is FirebreakError => e instanceof FirebreakError;
