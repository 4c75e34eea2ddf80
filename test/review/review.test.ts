// firebreak review end to end on the offline git forge: the sections and the complete UTC
// timeline from the record, charts that are well-formed SVG, HTML that shows hostile notes as text,
// a re-run that keeps people's edits, the .ics invitation, and --done.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeIncident, shipAndVerify, HOSTILE_NOTE, type IncidentFixture } from "./fixture.js";
import { checkXml } from "./xml.js";

let f: IncidentFixture;
const dir = () => join(f.fx.work, "docs", "incidents");
const md = () => readFileSync(join(dir(), "ENG-1234.md"), "utf8");

beforeEach(async () => {
  f = await makeIncident();
  await f.ok(["pr"]);
  await f.ok(["approve", "--by", "Dana", "--note", "LGTM"]);
  await f.ok(["note", "rolled the cache key", "--at", "2026-11-27T14:10Z"]);
  await f.ok(["action", "add", "Alert on token expiry errors", "--owner", "dana", "--due", "2026-12-01", "--kind", "monitoring"]);
  await f.ok(["action", "add", "Test expiry at the boundary", "--owner", "raj", "--due", "2026-12-03", "--kind", "test"]);
  await shipAndVerify(f);
});
afterEach(() => f.fx.cleanup());

describe("firebreak review", () => {
  it("writes every section from the record, with the whole timeline in UTC and the charts", async () => {
    const r = await f.ok([
      "review",
      "--write",
      "--impact-users",
      "1200",
      "--support-tickets",
      "14",
      "--impact-revenue",
      "$3k of refunds",
      "--experience",
      "signed-out users stayed signed in",
      "--json",
    ]);
    const out = r.json();
    expect(out.review.path).toBe(join(dir(), "ENG-1234.md"));
    const text = md();
    for (const h of [
      "## Summary",
      "## Timeline (UTC)",
      "## Impact",
      "## Root Cause",
      "## Resolution",
      "## What Went Well",
      "## What Went Wrong",
      "## Action Items",
      "## Prevention",
      "## Lessons Learned",
    ])
      expect(text).toContain(h);

    // Every event on the record is in the timeline, the back-dated note in its place in time;
    // not the effect journal's own rows, nor the review's own "written" event (after the file).
    const log = (await f.ok(["log", "--json"])).json();
    const timeline = text.slice(text.indexOf("## Timeline (UTC)"), text.indexOf("## Impact"));
    const lines = timeline.split("\n").filter((l) => l.startsWith("- "));
    expect(log.events.at(-1).kind).toBe("review.written");
    const journal = log.events.filter((e: { kind: string }) => e.kind === "effect.intent" || e.kind === "effect.retry").length;
    expect(journal).toBeGreaterThan(0);
    expect(lines).toHaveLength(log.events.length - 1 - journal);
    expect(lines.some((l) => l.includes("starting "))).toBe(false);
    expect(lines.every((l) => / UTC · /.test(l))).toBe(true);
    const noteAt = lines.findIndex((l) => l.includes("rolled the cache key"));
    expect(lines[noteAt]).toContain("2026-11-27 14:10:00 UTC");
    expect(lines.findIndex((l) => l.includes("v1.4.3 to production"))).toBeGreaterThan(noteAt);

    // Impact, computed duration, root cause, resolution from the record.
    expect(text).toContain("| Users affected | 1,200 |");
    expect(text).toContain("| Support tickets | 14 |");
    expect(text).toContain("signed\\-out users stayed signed in".replace("\\-", "-"));
    expect(text).toContain("| Duration (discovered → verified) | 1h 45m |");
    expect(text).toContain("exp was never compared with now");
    expect(text).toMatch(/Pull request #1 /);
    expect(text).toContain("Release tag v1.4.3");
    expect(text).toContain("Deployed to production (v1.4.3) at 2026-11-27 15:30 UTC");
    expect(text).toContain("Verification: verified at 2026-11-27 15:45 UTC");
    // Went well / wrong from facts.
    expect(text).toContain("Fixed in production within the deadline of 4 hours, 2h 30m to spare.");
    expect(text).toMatch(/Checks ran and passed: test/);
    expect(text).toContain("Reviewed and approved by Dana.");
    // Actions, and prevention grouped by kind.
    expect(text).toContain("A1 Alert on token expiry errors · owner dana · due 2026\\-12\\-01".replace(/\\-/g, "-"));
    expect(text).toMatch(/\*\*Monitoring:\*\*\n- Alert on token expiry errors \(A1, dana, due 2026-12-01\)/);
    // The review is due 72 h after verification, and says so.
    expect(out.review.due).toBe("2026-11-30T15:45:00.000Z");
    expect(text).toContain("review due 2026-11-30 15:45 UTC");

    // Charts: linked from the Markdown, well-formed SVG files next to it.
    expect(text).toContain("](ENG-1234.timeline.svg)");
    expect(text).toContain("](ENG-1234.metric-error-rate.svg)");
    for (const file of ["ENG-1234.timeline.svg", "ENG-1234.metric-error-rate.svg", "ENG-1234.metric-p95-latency.svg"]) {
      const svg = readFileSync(join(dir(), file), "utf8");
      const { problems, elements } = checkXml(svg);
      expect(problems, file).toEqual([]);
      expect(elements[0]).toBe("svg");
      expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    }
    const timelineSvg = readFileSync(join(dir(), "ENG-1234.timeline.svg"), "utf8");
    for (const phase of ["detect", "branch", "PR", "deploy", "verified", "deadline 18:00"]) expect(timelineSvg).toContain(phase);
    expect(readFileSync(join(dir(), "ENG-1234.metric-p95-latency.svg"), "utf8")).toContain("p95 &lt;latency&gt;");

    const status = (await f.ok(["status", "--json"])).json();
    expect(status.incident.data.review).toMatchObject({ path: "docs/incidents/ENG-1234.md", due: "2026-11-30T15:45:00.000Z", done: null });
    expect(status.incident.data.impactDetails).toEqual({
      users: 1200,
      revenue: "$3k of refunds",
      supportTickets: 14,
      experience: "signed-out users stayed signed in",
    });
  });

  it("escapes people's text in the Markdown and in the HTML, which embeds the charts", async () => {
    await f.ok(["review", "--write", "--html"]);
    const text = md();
    expect(text).not.toContain("<script>");
    expect(text).toContain("&lt;script&gt;");
    expect(text).not.toMatch(/@channel/); // a mention is neutralised
    const html = readFileSync(join(dir(), "ENG-1234.html"), "utf8");
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    // Both charts are inline, not linked.
    expect(html.match(/<svg xmlns/g)).toHaveLength(3);
    expect(html).not.toContain(".svg)");
    expect(HOSTILE_NOTE).toContain("<script>");
  });

  it("a re-run regenerates the file and keeps what people wrote in the editable sections", async () => {
    await f.ok(["review", "--write", "--html"]);
    const first = md();
    const edited = first
      .replace(
        /(<!-- firebreak:edit lessons hash=[0-9a-f]+ -->)[\s\S]*?(<!-- \/firebreak:edit lessons -->)/,
        "$1\nWe should have had an alert on <b>expiry</b>.\n$2",
      )
      .replace(
        /(<!-- firebreak:edit went-wrong hash=[0-9a-f]+ -->)[\s\S]*?(<!-- \/firebreak:edit went-wrong -->)/,
        "$1\n- Paging took 20 minutes.\n$2",
      );
    writeFileSync(join(dir(), "ENG-1234.md"), edited);
    // The record moves on: a new action item.
    await f.ok(["action", "add", "Runbook for token incidents", "--owner", "lee", "--due", "2026-12-05", "--kind", "docs"]);
    const r = await f.ok(["review", "--write", "--html", "--json"]);
    expect(r.json().review.kept.sort()).toEqual(["lessons", "went-wrong"]);
    const text = md();
    expect(text).toContain("We should have had an alert on <b>expiry</b>.");
    expect(text).toContain("- Paging took 20 minutes.");
    expect(text).toContain("A3 Runbook for token incidents"); // regenerated part
    expect(text).toMatch(/\*\*Docs:\*\*\n- Runbook for token incidents/); // untouched editable section refreshed
    // The kept text reaches the HTML as text.
    const html = readFileSync(join(dir(), "ENG-1234.html"), "utf8");
    expect(html).toContain("We should have had an alert on &lt;b&gt;expiry&lt;/b&gt;.");
    expect(html).toContain("<li>Paging took 20 minutes.</li>");
    // A third run with nothing new changes nothing.
    const again = await f.ok(["review", "--write", "--json"]);
    expect(again.json().review.written).toEqual([]);
    expect(md()).toBe(text);
  });

  it("--schedule records the meeting and writes an .ics calendars import; --done closes it", async () => {
    await f.ok(["review", "--write"]);
    const r = await f.ok(["review", "--schedule", "2026-11-29T15:00Z", "--attendees", "ana@example.com,raj@example.org", "--json"]);
    expect(r.json().schedule).toMatchObject({ at: "2026-11-29T15:00:00.000Z", sequence: 0, afterDue: false });
    const icsFile = join(dir(), "ENG-1234.ics");
    const ics = readFileSync(icsFile, "utf8");
    expect(ics.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")).toBe(true);
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(ics.split("\r\n").every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    expect(ics).not.toMatch(/[^\r]\n/); // CRLF only
    const unfolded = ics.replace(/\r\n /g, "");
    expect(unfolded).toContain("DTSTART:20261129T150000Z\r\n");
    expect(unfolded).toContain("DTEND:20261129T160000Z\r\n");
    expect(unfolded).toMatch(/\r\nDTSTAMP:\d{8}T\d{6}Z\r\n/);
    expect(unfolded).toMatch(/\r\nUID:inc_[0-9a-f]+\.review@firebreak\r\n/);
    expect(unfolded).toContain(
      "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:ana@example.com\r\n",
    );
    expect(unfolded).toContain("mailto:raj@example.org\r\n");
    expect(unfolded).toContain("SUMMARY:Post-incident review: ENG-1234 Expired tokens accepted\r\n");
    expect(unfolded).toContain('ORGANIZER;CN="tester":mailto:author@example.test\r\n');
    const uid = /UID:(.*)\r\n/.exec(unfolded)![1];

    // Moving it keeps the UID and bumps SEQUENCE, so calendars update the one event.
    await f.ok(["review", "--schedule", "2026-11-29T16:00Z", "--attendees", "ana@example.com"]);
    const moved = readFileSync(icsFile, "utf8").replace(/\r\n /g, "");
    expect(moved).toContain(`UID:${uid}\r\n`);
    expect(moved).toContain("SEQUENCE:1\r\n");
    expect(moved).toContain("DTSTART:20261129T160000Z\r\n");

    const bad = await f.fb(["review", "--schedule", "2026-11-29T15:00Z", "--attendees", "ana@example.com,--upload-pack=x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--attendees takes e-mail addresses");

    const done = await f.ok(["review", "--done"]);
    expect(done.stdout).toContain("Marked the review of ENG-1234 done");
    const twice = await f.ok(["review", "--done"]);
    expect(twice.stdout).toContain("already marked done");
    const log = (await f.ok(["log", "--json"])).json();
    const kinds = log.events.map((e: { kind: string }) => e.kind);
    expect(kinds.filter((k: string) => k === "review.scheduled")).toHaveLength(2);
    expect(kinds.filter((k: string) => k === "review.done")).toHaveLength(1);
    const status = (await f.ok(["status", "--json"])).json();
    expect(status.checklist.find((i: { id: string }) => i.id === "review").state).toBe("done");
    expect(status.incident.data.review.scheduled).toMatchObject({
      at: "2026-11-29T16:00:00.000Z",
      attendees: ["ana@example.com"],
      sequence: 1,
    });
    expect(existsSync(icsFile)).toBe(true);
  });

  it("without --write prints the review and writes nothing; --write PATH puts it where asked", async () => {
    const r = await f.ok(["review"]);
    expect(r.stdout).toContain("# Post-incident review: ENG-1234 Expired tokens accepted");
    expect(existsSync(dir())).toBe(false);
    await f.ok(["review", "--write", "notes/pir.md"]);
    expect(existsSync(join(f.fx.work, "notes", "pir.md"))).toBe(true);
    expect(existsSync(join(f.fx.work, "notes", "pir.timeline.svg"))).toBe(true);
    const status = (await f.ok(["status", "--json"])).json();
    expect(status.incident.data.review.path).toBe("notes/pir.md");
  });

  it("refuses action items without an owner or a real due date", async () => {
    const noOwner = await f.fb(["action", "add", "do the thing", "--due", "2026-12-01"]);
    expect(noOwner.code).toBe(2);
    expect(noOwner.stderr).toContain("--owner");
    const badDue = await f.fb(["action", "add", "do the thing", "--owner", "x", "--due", "2026-02-30"]);
    expect(badDue.code).toBe(2);
    expect(badDue.stderr).toContain("YYYY-MM-DD");
    const list = (await f.ok(["action", "list", "--json"])).json();
    expect(list.actions.map((a: { id: string }) => a.id)).toEqual(["A1", "A2"]);
  });
});
