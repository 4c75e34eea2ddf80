// The respond-within clock (SPEC part 1): it runs from discovery, in wall-clock hours, except that
// P2's "24 hours (next business day)" lands on a business day of the team's calendar.

import { E } from "../errors.js";
import { addLocalDays, fromLocal, isBusinessDay, toLocal, validDate, type LocalTime, type WorkCalendar } from "./calendar.js";
import { LEVELS } from "./levels.js";
import type { Priority } from "./types.js";

const HOUR_MS = 3_600_000;
// Longer than any run of holidays a real calendar has; stops a calendar with no working days.
const MAX_SKIPPED_DAYS = 366;

export function computeDeadline(priority: Priority, discoveredAt: Date, cal: WorkCalendar): Date {
  const policy = LEVELS[priority];
  const due = new Date(discoveredAt.getTime() + policy.respondWithinHours * HOUR_MS);
  if (!policy.businessDayDeadline || isBusinessDay(due, cal)) return due;
  // Keep the wall-clock time of the first landing, so a DST change on the way moves the instant
  // by an hour rather than the clock reading.
  const wall = toLocal(due, cal.timeZone);
  for (let days = 1; days <= MAX_SKIPPED_DAYS; days++) {
    const candidate = fromLocal(addLocalDays(wall, days), cal.timeZone);
    if (isBusinessDay(candidate, cal)) return candidate;
  }
  throw E.usage(
    `The working calendar has no business day in the ${MAX_SKIPPED_DAYS} days after ${due.toISOString()}.`,
    "check calendar.workDays and calendar.holidays in .firebreak.yml, then run: firebreak config check",
  );
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** A duration as people read it: "45s", "12m", "1h 05m", "2d 3h". Sign is ignored; rounds down. */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${pad2(minutes)}m`;
  if (minutes > 0) return `${minutes}m`;
  return `${seconds}s`;
}

export interface TimeLeft {
  ms: number; // negative when overdue
  overdue: boolean;
  text: string; // "1h 05m left" | "overdue by 12m"
}

export function timeLeft(deadline: Date, now: Date): TimeLeft {
  const ms = deadline.getTime() - now.getTime();
  const overdue = ms < 0;
  return { ms, overdue, text: overdue ? `overdue by ${formatDuration(ms)}` : `${formatDuration(ms)} left` };
}

export const WHEN_FORMS = [
  "2026-11-27T14:23Z or 2026-11-27T14:23:00+01:00 (ISO 8601 with a zone)",
  "2026-11-27 14:23 (in the configured time zone)",
  "14:23 (today in the configured time zone, or yesterday if that is still to come)",
];

const ISO_ZONED = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/i;
const LOCAL_TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

function clockOk(h: number, m: number, s: number): boolean {
  return h >= 0 && h <= 23 && m >= 0 && m <= 59 && s >= 0 && s <= 59;
}

/**
 * A --discovered / --at value to an instant. `now` and `timeZone` give meaning to the forms
 * without a date or a zone.
 */
export function parseWhen(input: string, now: Date, timeZone: string): Date {
  const s = input.trim();
  const invalid = () =>
    E.usage(
      `Cannot read ${JSON.stringify(input.length > 60 ? input.slice(0, 60) + "…" : input)} as a time.`,
      "write it as 2026-11-27T14:23Z, 2026-11-27 14:23 or 14:23",
      WHEN_FORMS,
    );

  let m = ISO_ZONED.exec(s);
  if (m !== null) {
    const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m![i]));
    const sec = Number(m[6] ?? 0);
    const ms = Math.floor(Number(`0.${m[7] ?? "0"}`) * 1000);
    if (!validDate(y!, mo!, d!) || !clockOk(h!, mi!, sec)) throw invalid();
    const zone = m[8]!;
    let offsetMin = 0;
    if (zone.toUpperCase() !== "Z") {
      const digits = zone.slice(1).replace(":", "");
      const oh = Number(digits.slice(0, 2));
      const om = Number(digits.slice(2) || "0");
      if (oh > 14 || om > 59) throw invalid();
      offsetMin = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om);
    }
    return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, sec, ms) - offsetMin * 60_000);
  }

  m = LOCAL_DATE_TIME.exec(s);
  if (m !== null) {
    const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m![i]));
    const sec = Number(m[6] ?? 0);
    if (!validDate(y!, mo!, d!) || !clockOk(h!, mi!, sec)) throw invalid();
    return fromLocal({ year: y!, month: mo!, day: d!, hour: h!, minute: mi!, second: sec, millisecond: 0 }, timeZone);
  }

  m = LOCAL_TIME.exec(s);
  if (m !== null) {
    const h = Number(m[1]);
    const mi = Number(m[2]);
    const sec = Number(m[3] ?? 0);
    if (!clockOk(h, mi, sec)) throw invalid();
    const today: LocalTime = { ...toLocal(now, timeZone), hour: h, minute: mi, second: sec, millisecond: 0 };
    const at = fromLocal(today, timeZone);
    return at.getTime() > now.getTime() ? fromLocal(addLocalDays(today, -1), timeZone) : at;
  }

  throw invalid();
}

/** When something was discovered: never after `now` (a minute of clock skew allowed), since the clock runs from it. */
export function parseDiscovered(input: string, now: Date, timeZone: string, flag = "--discovered"): Date {
  const at = parseWhen(input, now, timeZone);
  if (at.getTime() > now.getTime() + 60_000) {
    throw E.usage(
      `${flag} ${input} is in the future (it is now ${now.toISOString().slice(0, 16).replace("T", " ")} UTC); the deadline runs from discovery, which has happened.`,
      `give the time it was discovered, e.g. ${flag} ${toLocalHHMM(now, timeZone)}, or leave ${flag} out for now`,
    );
  }
  return at;
}

function toLocalHHMM(now: Date, timeZone: string): string {
  const t = toLocal(now, timeZone);
  return `${pad2(t.hour)}:${pad2(t.minute)}`;
}
