// The review's HTML as a person sees it, in a real browser (Debian's Chromium driven by
// playwright-core, headless, offline): every label inside its chart, nothing written across the
// deadline line, each watched metric drawn over time with the deploy marked, no Markdown markers
// or invisible characters in the text, one timeline line per thing that happened.
// REVIEW_SCREENSHOT=path keeps a screenshot of the page for a person to look at.

import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { event as body, type EventData, type EventKind } from "../../src/domain/events/index.js";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeIncident, type IncidentFixture } from "./fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let f: IncidentFixture;
let browser: Browser;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (npm test's setup does it as root)`).toBe(true);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});
afterAll(async () => {
  await browser?.close();
  f?.fx.cleanup();
});

interface Box {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

describe("the review page in Chromium", () => {
  it("has every chart label inside its chart, none across the deadline, the metric over time with the deploy marked, and clean text", async () => {
    f = await makeIncident({ priority: "P0", discovered: "2026-11-27T14:00:00Z" });
    await f.ok(["note", "Deployed main@abc1234 and watched the graphs"]);
    await f.withStore(async (store, id) => {
      const ev = <K extends EventKind>(kind: K, at: string, data: EventData<K>) => ({ at, actor: "firebreak", ...body(kind, data) });
      await store.appendEvent(id, ev("effect.intent", "2026-11-27T14:30:00Z", { key: "git.push:hotfix/ENG-1234" }));
      await store.appendEvent(id, ev("release.merged", "2026-11-27T14:31:00Z", { sha: "abc1234", summary: "merged into main" }));
      await store.appendEvent(id, ev("release.tagged", "2026-11-27T14:32:00Z", { tag: "v1.4.3", summary: "v1.4.3" }));
      await store.updateIncident(
        id,
        {
          status: "shipped",
          data: {
            release: { tag: "v1.4.3", sha: "abc1234" },
            deploys: [{ env: "production", at: "2026-11-27T14:40:00Z", version: "v1.4.3" }],
          },
        },
        ev("deploy.production.done", "2026-11-27T14:40:00Z", { summary: "v1.4.3 to production" }),
      );
      const series = Array.from({ length: 30 }, (_, i) => [4 + i, Number((12 / (1 + i)).toFixed(2))]);
      const metrics = [
        { name: "bad responses", before: 9, after: 0.4, unit: "per minute", series, limits: { tolerance: 1, regressionRatio: 2 } },
      ];
      const data = { summary: "bad responses 9/min → 0.4/min", metrics, decidedAfterSeconds: 21, rollback: "none" };
      await store.updateIncident(
        id,
        { status: "verified", data: { verification: { production: { outcome: "verified", metrics } } } },
        ev("verify.production.verified", "2026-11-27T14:41:00Z", data),
      );
      // verify run again on the same deploy: the same verdict, not a new line in the review
      await store.appendEvent(id, ev("verify.production.verified", "2026-11-27T14:44:00Z", data));
    });
    await f.ok(["review", "--write", "--html"], { env: { FIREBREAK_NOW: "2026-11-27T14:50:00Z" } });
    const file = join(f.fx.work, "docs/incidents/ENG-1234.html");

    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    try {
      await page.route("**/*", (route) => (route.request().url().startsWith("file:") ? route.continue() : route.abort())); // offline
      await page.goto(pathToFileURL(file).href);
      const shot = join(f.fx.root, "review.png");
      await page.screenshot({ path: shot, fullPage: true });
      if (process.env.REVIEW_SCREENSHOT) copyFileSync(shot, process.env.REVIEW_SCREENSHOT);

      const charts = await page.$$eval("svg", (svgs) =>
        svgs.map((svg) => {
          const box = (e: Element) => {
            const r = e.getBoundingClientRect();
            return { text: e.textContent ?? "", x: r.x, y: r.y, w: r.width, h: r.height };
          };
          return {
            kind: svg.getAttribute("data-chart") ?? svg.getAttribute("aria-label") ?? "",
            view: box(svg),
            texts: [...svg.querySelectorAll("text")].map(box),
            deadline: svg.querySelector('[data-part="deadline"]') ? box(svg.querySelector('[data-part="deadline"]')!) : null,
            deploy: svg.querySelector('[data-marker="deploy"]') !== null,
            series: svg.querySelector('[data-part="series"]') !== null,
            band: svg.querySelector('[data-part="baseline-band"]') !== null,
          };
        }),
      );
      expect(charts.length).toBe(2);
      const inside = (b: Box, v: Box) =>
        b.x >= v.x - 0.5 && b.y >= v.y - 0.5 && b.x + b.w <= v.x + v.w + 0.5 && b.y + b.h <= v.y + v.h + 0.5;
      for (const c of charts)
        for (const t of c.texts) expect(inside(t, c.view), `"${t.text}" sticks out of the chart ${c.kind}`).toBe(true);

      const phases = charts.find((c) => c.deadline)!;
      expect(phases, "the phase chart draws its deadline line").toBeDefined();
      const d = phases.deadline!;
      const crosses = (t: Box) => t.x < d.x + d.w && t.x + t.w > d.x && t.y < d.y + d.h && t.y + t.h > d.y;
      for (const t of phases.texts) expect(crosses(t), `the deadline line crosses "${t.text}"`).toBe(false);

      const metric = charts.find((c) => c.kind === "metric");
      expect(metric, "a time-series chart of the watched metric").toBeDefined();
      expect(metric!.deploy && metric!.series && metric!.band).toBe(true);

      const text = await page.evaluate(() => document.body.innerText);
      expect(text).not.toMatch(/(^|[\s(])_[^_\s][^_]*_(?=$|[\s.,;:)])/m); // _emphasis_ markers shown as text
      expect(text).not.toContain("\u200d");
      expect(text).toContain("main@abc1234");
      const rows = await page.$$eval("table.timeline tr", (trs) => trs.map((tr) => tr.textContent ?? ""));
      expect(rows.some((r) => r.includes("starting git.push"))).toBe(false);
      expect(rows.filter((r) => r.includes("verify.production.verified")).length).toBe(1);
      expect(readFileSync(shot).length).toBeGreaterThan(10_000);
    } finally {
      await page.close();
    }
  });
});
