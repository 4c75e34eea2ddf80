// Output from a command arrives in chunks that may cut a secret in two ("ghp_abc" | "def…"), and
// redacting each chunk alone would let both halves through. Text is held back until its line
// ends, then redacted whole. A line that never ends (a progress bar) is let out once it is long.

import { redact } from "./redact.js";

const MAX_HELD = 64 * 1024;

export interface LineRedactor {
  /** Adds a chunk; complete lines are passed on, redacted, with their line ends. */
  push(chunk: string): void;
  /** Passes on what is held (the last line without its end), redacted. */
  flush(): void;
}

export function redactLines(emit: (text: string) => void): LineRedactor {
  let held = "";
  return {
    push(chunk) {
      held += chunk;
      const end = Math.max(held.lastIndexOf("\n"), held.lastIndexOf("\r"));
      if (end >= 0) {
        emit(redact(held.slice(0, end + 1)));
        held = held.slice(end + 1);
      }
      if (held.length > MAX_HELD) {
        emit(redact(held));
        held = "";
      }
    },
    flush() {
      if (held !== "") emit(redact(held));
      held = "";
    },
  };
}
