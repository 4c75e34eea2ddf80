import { describe, expect, it } from "vitest";
import { caught } from "../helpers/caught.js";
import { DEFAULT_CALENDAR, calendarProblems, fromLocal, isBusinessDay, type WorkCalendar } from "../../src/domain/calendar.js";
import { computeDeadline, formatDuration, parseWhen, timeLeft } from "../../src/domain/deadline.js";
import type { Priority } from "../../src/domain/types.js";

const cal = (timeZone: string, holidays: string[] = [], workDays = [1, 2, 3, 4, 5]): WorkCalendar => ({ timeZone, workDays, holidays });
const UTC = DEFAULT_CALENDAR;
const NY = cal("America/New_York");
const BERLIN = cal("Europe/Berlin");

describe("computeDeadline", () => {
  // 2026-11-27 is a Friday.
  it.each<[string, Priority, string, WorkCalendar, string]>([
    ["P0: 2 hours", "P0", "2026-11-27T14:23:00Z", UTC, "2026-11-27T16:23:00.000Z"],
    ["P1: 4 hours", "P1", "2026-11-27T14:23:00Z", UTC, "2026-11-27T18:23:00.000Z"],
    ["P1 over midnight", "P1", "2026-11-27T22:30:00Z", UTC, "2026-11-28T02:30:00.000Z"],
    ["P3: 48 hours, weekends count", "P3", "2026-11-27T14:23:00Z", UTC, "2026-11-29T14:23:00.000Z"],
    ["P0 ignores the calendar", "P0", "2026-11-28T10:00:00Z", cal("UTC", ["2026-11-28"]), "2026-11-28T12:00:00.000Z"],
    ["P2 on a weekday: 24 hours", "P2", "2026-11-23T10:00:00Z", UTC, "2026-11-24T10:00:00.000Z"],
    ["P2 Friday → Monday, same time", "P2", "2026-11-27T14:23:00Z", UTC, "2026-11-30T14:23:00.000Z"],
    ["P2 Thursday before a Friday holiday → Monday", "P2", "2026-12-24T09:00:00Z", cal("UTC", ["2026-12-25"]), "2026-12-28T09:00:00.000Z"],
    [
      "P2 holiday Friday and Monday → Tuesday",
      "P2",
      "2026-12-24T09:00:00Z",
      cal("UTC", ["2026-12-25", "2026-12-28"]),
      "2026-12-29T09:00:00.000Z",
    ],
    ["P2 lands on a weekday holiday", "P2", "2026-11-25T15:00:00Z", cal("UTC", ["2026-11-26"]), "2026-11-27T15:00:00.000Z"],
    // Berlin: Friday 00:30 local + 24 h = Saturday 00:30 local (still Friday in UTC).
    ["P2 Berlin: Saturday in the zone although Friday in UTC", "P2", "2026-11-26T23:30:00Z", BERLIN, "2026-11-29T23:30:00.000Z"],
    ["P2 same instant, UTC calendar", "P2", "2026-11-26T23:30:00Z", UTC, "2026-11-27T23:30:00.000Z"],
    // DST ends 2026-10-25 in Berlin: 10:00 CEST Saturday → 10:00 CET Monday.
    ["P2 Berlin across the autumn change", "P2", "2026-10-23T08:00:00Z", BERLIN, "2026-10-26T09:00:00.000Z"],
    // DST starts 2026-03-29 in Berlin; 02:30 does not exist that Sunday, Monday 02:30 CEST does.
    ["P2 Berlin across the spring change", "P2", "2026-03-27T01:30:00Z", BERLIN, "2026-03-30T00:30:00.000Z"],
    // DST ends 2026-11-01 in New York: 10:00 EDT Saturday → 10:00 EST Monday.
    ["P2 New York across the November change", "P2", "2026-10-30T14:00:00Z", NY, "2026-11-02T15:00:00.000Z"],
    // Saturday 10:00 EDT + 24 h = Sunday 09:00 EST (the clock fell back) → Monday 09:00 EST.
    ["P2 New York, the 24 h span the change", "P2", "2026-10-31T14:00:00Z", NY, "2026-11-02T14:00:00.000Z"],
    ["P2 New York across the March change", "P2", "2026-03-06T15:00:00Z", NY, "2026-03-09T14:00:00.000Z"],
    ["P2 Sunday–Thursday week (Dubai)", "P2", "2026-11-26T06:00:00Z", cal("Asia/Dubai", [], [7, 1, 2, 3, 4]), "2026-11-29T06:00:00.000Z"],
    ["P2 half-hour zone (Kolkata)", "P2", "2026-11-26T20:00:00Z", cal("Asia/Kolkata"), "2026-11-29T20:00:00.000Z"], // Saturday 01:30 IST → Monday 01:30 IST,
  ])("%s", (_name, p, discovered, calendar, want) => {
    expect(computeDeadline(p, new Date(discovered), calendar).toISOString()).toBe(want);
  });

  it("refuses a calendar without working days instead of looping", () => {
    const e = caught(() => computeDeadline("P2", new Date("2026-11-27T10:00:00Z"), cal("UTC", [], [])));
    expect(e.code).toBe("USAGE");
    expect(e.message).toMatch(/no business day/);
  });
});

describe("calendar", () => {
  it.each<[string, WorkCalendar, boolean]>([
    ["2026-11-27T12:00:00Z", UTC, true], // Friday
    ["2026-11-28T12:00:00Z", UTC, false], // Saturday
    ["2026-11-27T23:30:00Z", UTC, true],
    ["2026-11-27T23:30:00Z", BERLIN, false], // Saturday 00:30 in Berlin
    ["2026-11-30T03:00:00Z", NY, false], // still Sunday 22:00 in New York
    ["2026-11-30T03:00:00Z", UTC, true],
    ["2026-12-25T12:00:00Z", cal("UTC", ["2026-12-25"]), false],
    ["2026-12-25T02:00:00Z", cal("America/New_York", ["2026-12-25"]), true], // still 24 Dec there
  ])("isBusinessDay(%s) in %j is %s", (at, c, want) => {
    expect(isBusinessDay(new Date(at), c)).toBe(want);
  });

  it("resolves a skipped local time forward and a repeated one to its first occurrence", () => {
    const l = { second: 0, millisecond: 0 };
    expect(fromLocal({ year: 2026, month: 3, day: 8, hour: 2, minute: 30, ...l }, "America/New_York").toISOString()).toBe(
      "2026-03-08T07:30:00.000Z",
    );
    expect(fromLocal({ year: 2026, month: 11, day: 1, hour: 1, minute: 30, ...l }, "America/New_York").toISOString()).toBe(
      "2026-11-01T05:30:00.000Z",
    );
  });

  it("reports every problem with a calendar", () => {
    expect(calendarProblems(UTC)).toEqual([]);
    const problems = calendarProblems({ timeZone: "Mars/Olympus", workDays: [0, 8], holidays: ["2026-02-30", "25/12/2026"] });
    expect(problems).toHaveLength(4);
    expect(calendarProblems({ timeZone: "UTC", workDays: [], holidays: [] })[0]).toMatch(/empty/);
  });
});

describe("parseWhen", () => {
  const now = new Date("2026-11-27T15:00:00Z"); // 16:00 in Berlin, 10:00 in New York
  it.each<[string, string, string, string]>([
    ["2026-11-27T14:23Z", "UTC", now.toISOString(), "2026-11-27T14:23:00.000Z"],
    ["2026-11-27T14:23:00+01:00", "America/New_York", now.toISOString(), "2026-11-27T13:23:00.000Z"],
    ["2026-11-27T14:23:05.5-05:00", "UTC", now.toISOString(), "2026-11-27T19:23:05.500Z"],
    ["2026-11-27t14:23z", "UTC", now.toISOString(), "2026-11-27T14:23:00.000Z"],
    ["2026-11-27T14:23+0530", "UTC", now.toISOString(), "2026-11-27T08:53:00.000Z"],
    ["2026-11-27 14:23Z", "Europe/Berlin", now.toISOString(), "2026-11-27T14:23:00.000Z"],
    ["2026-11-27 14:23", "Europe/Berlin", now.toISOString(), "2026-11-27T13:23:00.000Z"],
    ["2026-11-27 14:23", "America/New_York", now.toISOString(), "2026-11-27T19:23:00.000Z"],
    ["2026-07-01 14:23:30", "Europe/Berlin", now.toISOString(), "2026-07-01T12:23:30.000Z"],
    ["  2026-11-27 14:23  ", "UTC", now.toISOString(), "2026-11-27T14:23:00.000Z"],
    ["14:23", "Europe/Berlin", now.toISOString(), "2026-11-27T13:23:00.000Z"], // 16:00 there: today
    ["14:23", "Europe/Berlin", "2026-11-27T12:00:00Z", "2026-11-26T13:23:00.000Z"], // 13:00 there: yesterday
    ["14:23", "Europe/Berlin", "2026-11-27T13:23:00Z", "2026-11-27T13:23:00.000Z"], // exactly now: today
    ["9:05", "UTC", now.toISOString(), "2026-11-27T09:05:00.000Z"],
    ["14:23", "America/New_York", "2026-11-27T23:30:00Z", "2026-11-27T19:23:00.000Z"],
    ["14:23", "Europe/Berlin", "2026-11-27T23:30:00Z", "2026-11-27T13:23:00.000Z"], // 00:30 on the 28th there
    ["00:00", "UTC", "2026-11-27T00:00:00Z", "2026-11-27T00:00:00.000Z"],
    // Sunday 08:00 EST; 09:00 today is still to come, so Saturday 09:00 EDT.
    ["09:00", "America/New_York", "2026-11-01T13:00:00Z", "2026-10-31T13:00:00.000Z"],
  ])("%j in %s at %s → %s", (input, zone, at, want) => {
    expect(parseWhen(input, new Date(at), zone).toISOString()).toBe(want);
  });

  it.each([
    "",
    "now",
    "tomorrow",
    "25:00",
    "14:60",
    "14:23:61",
    "2026-02-30 10:00",
    "2026-13-01T10:00Z",
    "2026-11-27",
    "2026-11-27T14:23+15:00",
    "14:23; rm -rf /",
    "-1",
    "1764253380000",
    "27/11/2026 14:23",
  ])("%j is a usage error that lists the accepted forms", (input) => {
    const e = caught(() => parseWhen(input, now, "UTC"));
    expect(e.code).toBe("USAGE");
    expect(e.details.join("\n")).toContain("2026-11-27T14:23Z");
    expect(e.details.join("\n")).toContain("14:23");
  });

  it("refuses an unknown time zone as a usage error", () => {
    expect(caught(() => parseWhen("14:23", now, "Mars/Olympus")).code).toBe("USAGE");
  });
});

describe("durations", () => {
  it.each<[number, string]>([
    [0, "0s"],
    [999, "0s"],
    [45_000, "45s"],
    [59_999, "59s"],
    [60_000, "1m"],
    [12 * 60_000 + 30_000, "12m"],
    [65 * 60_000, "1h 05m"],
    [23 * 3_600_000 + 59 * 60_000, "23h 59m"],
    [86_400_000, "1d 0h"],
    [2 * 86_400_000 + 3 * 3_600_000 + 59 * 60_000, "2d 3h"],
    [-12 * 60_000, "12m"],
  ])("formatDuration(%d) = %s", (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });

  it.each<[string, string, boolean, string]>([
    ["2026-11-27T16:23:00Z", "2026-11-27T15:18:00Z", false, "1h 05m left"],
    ["2026-11-27T16:23:00Z", "2026-11-27T16:35:00Z", true, "overdue by 12m"],
    ["2026-11-27T16:23:00Z", "2026-11-27T16:23:00Z", false, "0s left"],
    ["2026-11-30T14:23:00Z", "2026-11-27T11:00:00Z", false, "3d 3h left"],
  ])("timeLeft(%s, now %s)", (deadline, now, overdue, text) => {
    const t = timeLeft(new Date(deadline), new Date(now));
    expect(t.overdue).toBe(overdue);
    expect(t.text).toBe(text);
    expect(t.ms).toBe(new Date(deadline).getTime() - new Date(now).getTime());
  });
});
