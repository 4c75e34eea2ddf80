// Part of every port's contract: how an adapter says "the request may have reached the other side,
// but no answer came back". The effect journal (workflow/effect.ts) turns it into "possibly done"
// instead of retrying; adapters throw it. It lives here, below both, so adapters never import workflow.

/** Thrown by adapters when a request may have reached the other side but no answer came back. */
export class AmbiguousOutcome extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AmbiguousOutcome";
  }
}
