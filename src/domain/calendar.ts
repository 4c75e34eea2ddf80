// Working calendar and wall-clock time in a named zone, with Intl only (no dependencies).
// An instant is a Date; a "local" value is what a clock on the wall in that zone shows.

import { E } from "../errors.js";

export interface WorkCalendar {
  timeZone: string; // IANA name: "Europe/Berlin", "UTC"
  workDays: number[]; // ISO weekdays, 1 = Monday … 7 = Sunday
  holidays: string[]; // YYYY-MM-DD, dates in timeZone
}

export const DEFAULT_CALENDAR: Readonly<WorkCalendar> = Object.freeze({
  timeZone: "UTC",
  workDays: Object.freeze([1, 2, 3, 4, 5]) as number[],
  holidays: Object.freeze([] as string[]) as string[],
});

/** A wall-clock reading in some zone. month 1–12, weekday ISO 1 = Monday. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      throw E.usage(
        `Unknown time zone ${JSON.stringify(timeZone)}.`,
        "use an IANA zone name such as UTC, Europe/Berlin or America/New_York",
      );
    }
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** What a wall clock in timeZone shows at this instant. */
export function toLocal(date: Date, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(date)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const ms = ((date.getTime() % 1000) + 1000) % 1000;
  return {
    year: parts["year"] ?? NaN,
    month: parts["month"] ?? NaN,
    day: parts["day"] ?? NaN,
    hour: parts["hour"] ?? NaN,
    minute: parts["minute"] ?? NaN,
    second: parts["second"] ?? NaN,
    millisecond: ms,
  };
}

const localAsUtcMs = (l: LocalTime): number => Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.millisecond);

/** Zone offset in ms at this instant (local minus UTC): +3_600_000 for Berlin in winter. */
export const offsetAt = (date: Date, timeZone: string): number => localAsUtcMs(toLocal(date, timeZone)) - date.getTime();

/**
 * The instant a wall clock in timeZone shows this local time. Uses the zone's own offset for that
 * day, so DST is handled. A time skipped by a spring-forward gap moves forward by the gap (02:30
 * → 03:30); a time repeated by a fall-back overlap resolves to its first occurrence.
 */
export function fromLocal(local: LocalTime, timeZone: string): Date {
  const wall = localAsUtcMs(local);
  // Offsets a day either side bracket any transition on this day.
  const before = offsetAt(new Date(wall - DAY_MS), timeZone);
  const after = offsetAt(new Date(wall + DAY_MS), timeZone);
  const candidates = [wall - before, wall - after].filter((t) => localAsUtcMs(toLocal(new Date(t), timeZone)) === wall);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(wall - before);
}

/** The calendar date in the zone, as YYYY-MM-DD. */
export function localDate(date: Date, timeZone: string): string {
  const l = toLocal(date, timeZone);
  return `${String(l.year).padStart(4, "0")}-${String(l.month).padStart(2, "0")}-${String(l.day).padStart(2, "0")}`;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. */
export function isoWeekday(year: number, month: number, day: number): number {
  const d = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The same wall-clock time `days` calendar days later (or earlier) in the zone. */
export function addLocalDays(local: LocalTime, days: number): LocalTime {
  const d = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return { ...local, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function isBusinessDay(date: Date, cal: WorkCalendar): boolean {
  const l = toLocal(date, cal.timeZone);
  if (!cal.workDays.includes(isoWeekday(l.year, l.month, l.day))) return false;
  return !cal.holidays.includes(localDate(date, cal.timeZone));
}

/** Every problem with a calendar, for config validation; [] when it is usable. */
export function calendarProblems(cal: WorkCalendar): string[] {
  const problems: string[] = [];
  if (!isValidTimeZone(cal.timeZone)) problems.push(`timeZone ${JSON.stringify(cal.timeZone)} is not an IANA zone name`);
  const badDays = cal.workDays.filter((d) => !Number.isInteger(d) || d < 1 || d > 7);
  if (badDays.length > 0) problems.push(`workDays must be 1 (Monday) … 7 (Sunday), got ${badDays.join(", ")}`);
  if (cal.workDays.length === 0) problems.push("workDays is empty: no day would ever be a business day");
  for (const h of cal.holidays) {
    if (!isCalendarDate(h)) problems.push(`holiday ${JSON.stringify(h)} is not a date written YYYY-MM-DD`);
  }
  return problems;
}

export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m === null) return false;
  return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
