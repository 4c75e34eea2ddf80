// The review's pure parts: editable-section merging, .ics folding and escaping, CSV cells, SVG text.

import { describe, expect, it } from "vitest";
import { mergeBlocks, parseBlocks } from "../../src/review/edit-blocks.js";
import { fold, icsText, isEmail } from "../../src/review/ics.js";
import { csvCell } from "../../src/review/incident-log.js";
import { metricSeriesSvg } from "../../src/review/metric-chart.js";
import { phaseTimelineSvg } from "../../src/review/charts.js";
import { reviewEvents } from "../../src/review/curate.js";
import { blockHtml } from "../../src/review/html.js";
import { checkXml } from "./xml.js";

const gen = (a: string, b: string) =>
  `# T\n<!-- firebreak:edit a -->\n${a}\n<!-- /firebreak:edit a -->\nmiddle\n<!-- firebreak:edit b -->\n${b}\n<!-- /firebreak:edit b -->\n`;

describe("editable sections", () => {
  it("refreshes untouched sections, keeps edited ones, and never drops an edited one the template lost", () => {
    const first = mergeBlocks(gen("fact 1", "fact 2"), null).text;
    expect(parseBlocks(first).map((b) => b.id)).toEqual(["a", "b"]);
    const edited = first.replace("fact 2", "people wrote this");
    const second = mergeBlocks(gen("fact 1 updated", "fact 2 updated"), edited);
    expect(second.refreshed).toEqual(["a"]);
    expect(second.kept).toEqual(["b"]);
    expect(second.text).toContain("fact 1 updated");
    expect(second.text).toContain("people wrote this");
    expect(second.text).not.toContain("fact 2 updated");
    // Still edited on the next run.
    expect(mergeBlocks(gen("x", "y"), second.text).kept).toEqual(["b"]);
    // A template without section b keeps b's text at the end.
    const third = mergeBlocks("# T\n<!-- firebreak:edit a -->\nz\n<!-- /firebreak:edit a -->\n", second.text);
    expect(third.orphaned).toEqual(["b"]);
    expect(third.text).toContain("## Kept from an earlier version");
    expect(third.text).toContain("people wrote this");
  });

  it("treats a hand-written section without a hash as people's text", () => {
    const prev = "<!-- firebreak:edit a -->\nmine\n<!-- /firebreak:edit -->";
    const r = mergeBlocks(gen("generated", "g"), prev);
    expect(r.kept).toEqual(["a"]);
    expect(r.text).toContain("mine");
  });
});

describe(".ics", () => {
  it("folds at 75 octets without splitting a UTF-8 character and escapes TEXT", () => {
    const line = `DESCRIPTION:${"é".repeat(100)}`;
    const folded = fold(line);
    for (const l of folded.split("\r\n")) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, "")).toBe(line);
    expect(icsText("a,b;c\\d\ne")).toBe("a\\,b\\;c\\\\d\\ne");
    expect(isEmail("ana@example.com")).toBe(true);
    expect(isEmail("x\r\nATTENDEE:mailto:evil@x.io")).toBe(false);
  });
});

describe("CSV cells", () => {
  it("quotes per RFC 4180 and turns formulas into text", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+cmd")).toBe("'+cmd");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(3)).toBe("3");
  });
});

describe("charts and HTML of people's text", () => {
  it("an SVG with a hostile metric name stays well-formed", () => {
    const svg = metricSeriesSvg({
      name: `</text><script>alert(1)</script>& "q"`,
      before: 5,
      after: 1,
      unit: "<ms>",
      verdict: "verified",
      verdictAfter: 12,
    });
    expect(checkXml(svg).problems).toEqual([]);
    expect(svg).not.toContain("<script>");
  });

  it("draws a watched metric over time: baseline band, regression line, deploy and verdict markers", () => {
    const svg = metricSeriesSvg({
      name: "bad responses",
      before: 4,
      after: 30,
      unit: "per minute",
      series: [
        [3, 20],
        [4, 28],
        [5, 30],
      ],
      limits: { tolerance: 1, regressionRatio: 2 },
      verdict: "regression",
      verdictAfter: 5,
      rollback: "automatic",
    });
    expect(checkXml(svg).problems).toEqual([]);
    for (const part of [
      'data-part="baseline-band"',
      'data-part="regression-line"',
      'data-marker="deploy"',
      'data-marker="verdict"',
      'data-part="series"',
    ])
      expect(svg).toContain(part);
    expect(svg).toContain("regression, rolled back +5 s");
    expect(svg).not.toContain('<rect x="80"'); // no before/after bars
  });

  it("a short incident keeps one dot per phase: the axis ends after the last phase, the deadline named off-scale", () => {
    const milestones = {
      detected: "2026-11-27T14:00:00Z",
      branch: "2026-11-27T14:01:00Z",
      pr: "2026-11-27T14:03:00Z",
      deployed: "2026-11-27T14:05:00Z",
      verified: "2026-11-27T14:05:20Z",
    };
    const svg = phaseTimelineSvg({
      ticket: "ENG-1",
      milestones: milestones as never,
      deadlineAt: "2026-11-27T16:00:00Z",
      now: "2026-11-27T14:10:00Z",
    });
    const dots = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(dots).toHaveLength(5);
    for (let i = 1; i < dots.length; i++) expect(dots[i]! - dots[i - 1]!).toBeGreaterThanOrEqual(12);
    expect(svg).not.toContain('data-part="deadline"');
    expect(svg).toContain("deadline 16:00, 1h 54m after the last phase →");
  });

  it("shows each effect once on the review's timeline: no journal rows, one 'verified' per deploy", () => {
    let seq = 0;
    const ev = (kind: string, data: Record<string, unknown> = {}) =>
      ({ seq: ++seq, at: `2026-12-05T10:00:${String(seq).padStart(2, "0")}Z`, actor: "dana", kind, data }) as never;
    const events = [
      ev("incident.started"),
      ev("effect.intent", { key: "git.push:hotfix" }),
      ev("branch.pushed"),
      ev("deploy.production.done"),
      ev("verify.production.verified"),
      ev("effect.retry", { key: "x" }),
      ev("verify.production.verified"),
      ev("deploy.production.done"),
      ev("verify.production.verified"),
    ];
    expect(reviewEvents(events).map((e: { kind: string }) => e.kind)).toEqual([
      "incident.started",
      "branch.pushed",
      "deploy.production.done",
      "verify.production.verified",
      "deploy.production.done",
      "verify.production.verified",
    ]);
  });

  it("renders _emphasis_ as emphasis and leaves no Markdown marker or invisible joiner in the text", () => {
    expect(blockHtml("_What went well?_ shipped main@\u200dabc123 via snake\\_case")).toBe(
      "<p><em>What went well?</em> shipped main@abc123 via snake_case</p>",
    );
  });

  it("renders paragraphs, lists and bold, and nothing else, from people's Markdown", () => {
    const html = blockHtml("**Bold** and <b>tag</b>\n\n- item [x](javascript:alert(1))\n- [x] done\n<!-- hidden -->");
    expect(html).toBe(
      "<p><strong>Bold</strong> and &lt;b&gt;tag&lt;/b&gt;</p>\n<ul><li>item [x](javascript:alert(1))</li><li>☑ done</li></ul>",
    );
  });
});
