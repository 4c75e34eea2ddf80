import type { Clock } from "../ports.js";

/** The real clock. FIREBREAK_NOW pins it (ISO time) so demos and tests can replay a day. */
export function systemClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const pinned = env.FIREBREAK_NOW ? new Date(env.FIREBREAK_NOW) : null;
  if (pinned && !Number.isNaN(pinned.getTime())) {
    const offset = pinned.getTime() - Date.now();
    return { now: () => new Date(Date.now() + offset) };
  }
  return { now: () => new Date() };
}
