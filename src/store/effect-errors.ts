// Refusals from the effect journal. Each protects "at most once": a side effect is never started
// twice, and a finished one's result is never replaced or forgotten.

import { FirebreakError } from "../errors.js";

export function effectExists(incidentId: string, key: string, state: string): FirebreakError {
  return new FirebreakError({
    code: "EFFECT_EXISTS",
    message: `The effect "${key}" is already in the journal of ${incidentId} (state: ${state}).`,
  });
}

export function effectUnknown(incidentId: string, key: string, action: string): FirebreakError {
  return new FirebreakError({
    code: "EFFECT_UNKNOWN",
    message: `The effect "${key}" is not in the journal of ${incidentId}, so firebreak cannot ${action}.`,
  });
}

export function effectDone(incidentId: string, key: string, why: string): FirebreakError {
  return new FirebreakError({
    code: "EFFECT_DONE",
    message: `The effect "${key}" of ${incidentId} is already done: ${why}.`,
  });
}

export function leaseLost(key: string, names: string[]): FirebreakError {
  return new FirebreakError({
    code: "LEASE_LOST",
    message: `This run no longer holds its lock (${names.join(", ")}), so it did not start "${key}".`,
  });
}
