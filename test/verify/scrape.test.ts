// The /metrics side: parsing Prometheus and OpenMetrics text, picking series with selectors, and
// turning two pages into counts (counter resets, histogram buckets over the objective).

import { afterEach, describe, expect, it } from "vitest";
import { parseExposition } from "../../src/verify/exposition.js";
import { matches, parseSelector } from "../../src/verify/selector.js";
import { countsBetween, countSelectors, createScrapeSource, readingFromSeries } from "../../src/verify/sources/scrape.js";
import { histogramQuantile } from "../../src/verify/sources/source.js";
import { ConfigSchema } from "../../src/config/schema.js";
import { FirebreakError } from "../../src/errors.js";
import { startApp, type FixtureApp } from "./fixture-app.js";

const page = (requests: number, errors: number, extra = "") => `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{code="200",path="/a"} ${requests - errors}
http_requests_total{code="500",path="/a"} ${errors} 1700000000000
${extra}`;

describe("parseExposition", () => {
  it("reads labels with escapes, timestamps, exemplars, +Inf and OpenMetrics' # EOF", () => {
    const s = parseExposition(`# TYPE x counter
x_total{a="q\\"uote",b="back\\\\slash",c="line\\nbreak"} 3 1700000000
y_bucket{le="+Inf"} 12 # {trace_id="abc"} 0.5 1700000000.1
z NaN
bad line here
w{unterminated="x} 4
# EOF
`);
    expect(s).toEqual([
      { name: "x_total", labels: { a: 'q"uote', b: "back\\slash", c: "line\nbreak" }, value: 3 },
      { name: "y_bucket", labels: { le: "+Inf" }, value: 12 },
      { name: "z", labels: {}, value: Number.NaN },
    ]);
  });

  it("selectors match =, !=, =~ (anchored) and !~", () => {
    const series = parseExposition(page(100, 7));
    const sel = parseSelector('http_requests_total{code=~"5..",path!="/b"}');
    expect(series.filter((s) => matches(sel, s)).map((s) => s.value)).toEqual([7]);
    expect(series.filter((s) => matches(parseSelector('http_requests_total{code=~"5"}'), s))).toEqual([]);
    expect(series.filter((s) => matches(parseSelector('http_requests_total{code!~"5.."}'), s)).map((s) => s.value)).toEqual([93]);
    expect(() => parseSelector('x{code=~"("}')).toThrow(/regular expression/);
    expect(() => parseSelector("x{code=5}")).toThrow(/matchers/);
  });
});

describe("scrape counts", () => {
  const sel = countSelectors({ bad: 'http_requests_total{code=~"5.."}', total: "http_requests_total" }, "verify.metrics[0]");
  const read = (text: string) => readingFromSeries(parseExposition(text), sel, "verify.metrics[0]");

  it("differences counters between two pages", () => {
    expect(countsBetween(read(page(1000, 10)), read(page(1500, 16)), sel)).toEqual({ bad: 6, total: 500 });
  });

  it("counts a reset counter (the process restarted) from zero, and a series that appeared", () => {
    // After a restart the counters start again: 40 requests and 3 errors since.
    expect(countsBetween(read(page(1000, 10)), read(page(40, 3)), sel)).toEqual({ bad: 3, total: 40 });
    const before = read('http_requests_total{code="200",path="/a"} 100\n');
    expect(countsBetween(before, read(page(150, 5)), sel)).toEqual({ bad: 5, total: 50 });
  });

  it("says which series exist when the total's name is not on the page", () => {
    const e = (() => {
      try {
        read("other_total 1\n");
      } catch (err) {
        return err as FirebreakError;
      }
    })();
    expect(e).toBeInstanceOf(FirebreakError);
    expect(e!.message).toContain("no series named http_requests_total");
    expect(e!.next).toContain("other_total");
  });

  const hist = (fast: number, slow: number) => `# TYPE lat histogram
lat_bucket{route="/a",le="0.1"} ${fast}
lat_bucket{route="/a",le="0.25"} ${fast}
lat_bucket{route="/a",le="1"} ${fast + slow}
lat_bucket{route="/a",le="+Inf"} ${fast + slow}
lat_count{route="/a"} ${fast + slow}
lat_bucket{route="/b",le="0.1"} 5
lat_bucket{route="/b",le="0.25"} 5
lat_bucket{route="/b",le="1"} 5
lat_bucket{route="/b",le="+Inf"} 5
lat_count{route="/b"} 5
`;

  it("turns a histogram into requests slower than the objective, and a p99", () => {
    const h = countSelectors({ histogram: 'lat{route="/a"}', objectiveMs: 250 }, "verify.metrics[1]");
    const r = (t: string) => readingFromSeries(parseExposition(t), h, "verify.metrics[1]");
    const c = countsBetween(r(hist(100, 2)), r(hist(1080, 22)), h);
    expect(c.bad).toBe(20);
    expect(c.total).toBe(1000);
    const p99 = histogramQuantile(0.99, c.buckets!);
    expect(p99).toBeGreaterThan(0.25);
    expect(p99).toBeLessThanOrEqual(1);
  });

  it("refuses an objective that is not one of the buckets, listing them", () => {
    const h = countSelectors({ histogram: "lat", objectiveMs: 300 }, "verify.metrics[1]");
    expect(() => readingFromSeries(parseExposition(hist(1, 1)), h, "verify.metrics[1]")).toThrow(/no bucket at the objective 300 ms/);
  });
});

describe("the scrape source on a live /metrics page", () => {
  let app: FixtureApp;
  afterEach(async () => app?.close());

  it("reads the page twice and counts what happened between, and fails a read while the page is down", async () => {
    app = await startApp({ rate: 1000, errorFraction: 0.1 });
    const m = ConfigSchema.parse({
      verify: {
        metrics: [
          { name: "errors", source: "scrape", url: "/metrics", bad: 'app_requests_total{status="500"}', total: "app_requests_total" },
        ],
      },
    }).verify.metrics[0]!;
    if (m.source !== "scrape") throw new Error("unreachable");
    const src = createScrapeSource(m, `${app.url}/metrics`, {}, "verify.metrics[0]");
    const first = await src.read();
    await new Promise((r) => setTimeout(r, 300));
    const second = await src.read();
    const c = src.between(first, second);
    expect(c.total).toBeGreaterThan(0);
    expect(c.bad / c.total).toBeCloseTo(0.1, 1);
    app.state.metricsDown = true;
    await expect(src.read()).rejects.toThrow(/HTTP 503/);
  });
});

describe("the watch on a scrape source", () => {
  let app: FixtureApp;
  afterEach(async () => app?.close());

  it("still decides when scrapes go missing and the service restarts in the middle", async () => {
    const { watch } = await import("../../src/verify/watch.js");
    app = await startApp({ rate: 2000, errorFraction: 0.01 });
    const m = ConfigSchema.parse({
      verify: {
        metrics: [
          { name: "errors", source: "scrape", url: "/metrics", bad: "app_errors_total", total: "app_request_duration_seconds_count" },
        ],
      },
    }).verify.metrics[0]!;
    if (m.source !== "scrape") throw new Error("unreachable");
    const src = createScrapeSource(m, `${app.url}/metrics`, {}, "verify.metrics[0]");
    let ticks = 0;
    const r = await watch({
      settings: {
        alpha: 0.01,
        beta: 0.01,
        tolerance: 1,
        regressionRatio: 2,
        warmupSeconds: 0,
        windowSeconds: 60,
        intervalSeconds: 0.25,
        keepWatching: false,
      },
      metrics: [{ name: "errors", source: src, baseline: { bad: 300, total: 30_000, seconds: 15, dispersion: 1, how: "captured" } }],
      deployAt: new Date(),
      onTick: () => {
        ticks++;
        // Two reads fail while the page is down, then the service comes back restarted.
        if (ticks === 1) app.state.metricsDown = true;
        if (ticks === 3) {
          app.state.metricsDown = false;
          app.restart();
        }
      },
    });
    expect(r.outcome).toBe("verified");
    expect(r.view.metrics[0]!.missedReads).toBeGreaterThanOrEqual(2);
    expect(r.view.metrics[0]!.lastError).toContain("HTTP 503");
    expect(r.view.metrics[0]!.state.ratioEstimate).toBeGreaterThan(0.5);
    expect(r.view.metrics[0]!.state.ratioEstimate).toBeLessThan(1.5);
  });
});

describe("the watch on a source that stays down", () => {
  let app: FixtureApp;
  afterEach(async () => app?.close());

  it("stops after a run of failed reads instead of waiting out the window: inconclusive, with the last error", async () => {
    const { watch, MAX_FAILED_READS_IN_A_ROW } = await import("../../src/verify/watch.js");
    app = await startApp({ rate: 2000, errorFraction: 0.01 });
    const m = ConfigSchema.parse({
      verify: {
        metrics: [
          { name: "errors", source: "scrape", url: "/metrics", bad: "app_errors_total", total: "app_request_duration_seconds_count" },
        ],
      },
    }).verify.metrics[0]!;
    if (m.source !== "scrape") throw new Error("unreachable");
    const src = createScrapeSource(m, `${app.url}/metrics`, {}, "verify.metrics[0]");
    app.state.metricsDown = true;
    let ticks = 0;
    const run = watch({
      // A window of an hour: only the run of failures can end this in time.
      settings: {
        alpha: 0.01,
        beta: 0.01,
        tolerance: 1,
        regressionRatio: 2,
        warmupSeconds: 0,
        windowSeconds: 3600,
        intervalSeconds: 0.05,
        keepWatching: false,
      },
      metrics: [{ name: "errors", source: src, baseline: { bad: 300, total: 30_000, seconds: 15, dispersion: 1, how: "captured" } }],
      deployAt: new Date(),
      onTick: () => void ticks++,
    });
    const r = await run;
    expect(r.outcome).toBe("inconclusive");
    expect(r.unreadable).toEqual({
      failedReads: MAX_FAILED_READS_IN_A_ROW,
      errors: [{ name: "errors", error: expect.stringContaining("HTTP 503") }],
    });
    expect(r.view.metrics[0]!.missedReads).toBe(MAX_FAILED_READS_IN_A_ROW);
    expect(ticks).toBeLessThanOrEqual(MAX_FAILED_READS_IN_A_ROW + 2);
  });
});
