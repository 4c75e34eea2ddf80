// Refusals from the effect journal. Each protects "at most once": a side effect is never started
// twice, and a finished one's result is never replaced or forgotten.

import { EXIT, FirebreakError } from "../errors.js";

export function effectExists(incidentId: string, key: string, state: string): FirebreakError {
  return new FirebreakError({
    code: "EFFECT_EXISTS",
    message: `The effect "${key}" is already in the journal of ${incidentId} (state: ${state}).`,
    why: "Recording a second intent would let the same side effect happen twice.",
    next: "read it with getEffect and reconcile, instead of starting it again",
    exit: EXIT.refused,
  });
}

export function effectUnknown(incidentId: string, key: string, action: string): FirebreakError {
  return new FirebreakError({
    code: "EFFECT_UNKNOWN",
    message: `The effect "${key}" is not in the journal of ${incidentId}, so firebreak cannot ${action}.`,
    why: "An outcome is only recorded after its intent; this is a bug in the step that asked.",
    next: "run again with --debug and report it",
    exit: EXIT.unexpected,
  });
}

export function effectDone(incidentId: string, key: string, why: string): FirebreakError {
  return new FirebreakError({
    code: "EFFECT_DONE",
    message: `The effect "${key}" of ${incidentId} is already done: ${why}.`,
    why: "A done effect's stored result is what every later run returns; changing it could repeat the effect.",
    exit: EXIT.refused,
  });
}

export function leaseLost(key: string, names: string[]): FirebreakError {
  return new FirebreakError({
    code: "LEASE_LOST",
    message: `This run no longer holds its lock (${names.join(", ")}), so it did not start "${key}".`,
    why: "Another run took the lock over (this one was thought gone); two runs writing the same record could deploy twice.",
    next: "firebreak unlock   # shows who holds it now; run the command again once that run has finished",
    exit: EXIT.refused,
  });
}
