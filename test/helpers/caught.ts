import { FirebreakError } from "../../src/errors.js";

/** Runs fn and returns the FirebreakError it throws; fails the test if it throws nothing or something else. */
export function caught(fn: () => unknown): FirebreakError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FirebreakError) return e;
    throw e;
  }
  throw new Error("expected a FirebreakError, nothing was thrown");
}
