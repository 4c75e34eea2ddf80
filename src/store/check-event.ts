// Every append is checked against the event catalogue before it is written: a kind the record
// does not know, or data of the wrong shape, is a bug in the writer. It is refused before the
// transaction starts, so nothing reaches the hash chain that a reader could not read.

import { validateEvent } from "../domain/events/index.js";
import type { NewEvent } from "../domain/types.js";
import { FirebreakError } from "../errors.js";

export function assertKnownEvent(event: { kind: string; data?: unknown } | NewEvent): void {
  const problem = validateEvent(event.kind, event.data ?? {});
  if (!problem) return;
  throw new FirebreakError({
    code: "EVENT_INVALID",
    message: `Refused to record a "${event.kind}" event: ${problem.problem}.`,
  });
}
