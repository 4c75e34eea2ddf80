// The .firebreak.yml section that verify reads: smoke tests, the metrics to watch and how sure the
// decision must be. Every key is optional; with no smoke test and no metric, verify says what to add.
//
//   verify:
//     baseUrl: { production: https://api.example.com, staging: https://staging.example.com }
//     smoke:
//       - { name: expired token refused, url: /profile, headers: { Authorization: env:EXPIRED_TOKEN }, expectStatus: 401 }
//       - { name: health, url: /health, expectJson: { path: $.db, equals: ok }, retries: 2 }
//     metrics:
//       - { name: error rate, source: prometheus, url: http://prometheus:9090,
//           bad: 'http_requests_total{code=~"5.."}', total: http_requests_total }
//       - { name: slow requests, source: scrape, url: /metrics, histogram: http_request_duration_seconds, objectiveMs: 500 }
//       - { name: errors, source: sentry, org: acme, project: api, token: env:SENTRY_AUTH_TOKEN, environment: production }
//       - { name: queue failures, source: json, url: /stats, bad: $.jobs.failed, total: $.jobs.done }
//     alpha: 0.01            # chance of a false rollback
//     beta: 0.01             # chance of calling a regression of regressionRatio× "verified"
//     warmupSeconds: 60
//     windowMinutes: 30
//     keepWatching: true     # after "verified", watch to the window's end for a late regression
//     autoRollback: { P0: true }

import * as z from "zod";
import { plain, positiveInt } from "./schema-parts.js";
import { ENV_REF_RE } from "./secrets.js";

const ENVIRONMENTS = ["production", "staging"] as const;

/** An absolute http(s) URL, or a path starting with / resolved against verify.baseUrl.<env>. */
const target = plain().refine((v) => v.startsWith("/") || /^https?:\/\/[^\s]+$/i.test(v), {
  message: "must be an http(s) URL or a path starting with / (resolved against verify.baseUrl)",
});
const absoluteUrl = plain().refine((v) => /^https?:\/\/[^\s]+$/i.test(v), {
  message: "must be an http(s) URL, e.g. https://api.example.com",
});

/** A header value: text, or env:NAME for a secret (never printed or recorded). */
const headerValue = z
  .string()
  .max(8000)
  .refine((v) => !v.startsWith("env:") || ENV_REF_RE.test(v), {
    message: "env: must be followed by a variable name of upper case letters, digits and _ (e.g. env:API_TOKEN)",
  });
const headers = z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { message: "is not a header name" }), headerValue).default({});
const status = z.number().int().min(100).max(599);
const environments = z.array(z.enum(ENVIRONMENTS)).min(1).optional();

const smokeTest = z.object({
  name: plain().max(120),
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).default("GET"),
  url: target,
  headers,
  /** A string is sent as is; an object or array as JSON. */
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  expectStatus: z.union([status, z.array(status).min(1)]).default(200),
  /** The response body must contain this text. */
  expectBody: z.string().min(1).optional(),
  /** The response is JSON with a value at `path` ($.a.b[0]); equal to `equals` when given. */
  expectJson: z.object({ path: plain(), equals: z.unknown().optional() }).optional(),
  timeoutMs: positiveInt().max(300_000).default(5000),
  retries: z.number().int().min(0).max(10).default(0),
  retryDelayMs: z.number().int().min(0).max(60_000).default(500),
  /** Where this test applies (default: every environment). */
  environments,
});

const baselineWindow = z
  .object({
    /** The window before the deploy (default) or before the incident was discovered. */
    before: z.enum(["deploy", "incident"]).default("deploy"),
    minutes: z
      .number()
      .gt(0)
      .max(24 * 60)
      .default(30),
    /** When nothing was measured before the deploy: compare with this bad fraction (e.g. an SLO of 0.001). */
    fraction: z.number().gt(0).lt(1).optional(),
  })
  .prefault({});

const common = {
  name: plain().max(80),
  /** higher-is-worse: counts bad events; lower-is-worse: counts good ones (bad = total − good). */
  direction: z.enum(["higher-is-worse", "lower-is-worse"]).default("higher-is-worse"),
  baseline: baselineWindow,
  environments,
};

// bad | good | histogram+objectiveMs, with total: the preferred form counts bad events out of requests.
const countsFields = {
  bad: plain().optional(),
  good: plain().optional(),
  total: plain().optional(),
  histogram: plain().optional(),
  objectiveMs: z.number().gt(0).optional(),
};

const prometheusMetric = z.object({
  ...common,
  source: z.literal("prometheus"),
  /** The Prometheus server, e.g. http://prometheus:9090. */
  url: target,
  headers,
  ...countsFields,
});

const scrapeMetric = z.object({
  ...common,
  source: z.literal("scrape"),
  /** The /metrics page (Prometheus or OpenMetrics text). */
  url: target,
  headers,
  ...countsFields,
});

const sentryMetric = z.object({
  ...common,
  source: z.literal("sentry"),
  url: absoluteUrl.default("https://sentry.io"),
  org: plain(),
  /** The project slug (for its issues); projectId narrows the event counts. */
  project: plain(),
  projectId: z.number().int().positive().optional(),
  token: z
    .string()
    .regex(ENV_REF_RE, { message: "a secret is never written in the file: write env:NAME (e.g. env:SENTRY_AUTH_TOKEN)" })
    .default("env:SENTRY_AUTH_TOKEN"),
  environment: plain().optional(),
  /** Count only this release's errors after the deploy (the baseline counts every release). */
  release: plain().optional(),
  /** More Sentry search terms, e.g. "level:error". */
  query: plain().optional(),
});

const jsonMetric = z.object({
  ...common,
  source: z.literal("json"),
  url: target,
  headers,
  bad: plain().optional(),
  good: plain().optional(),
  total: plain().optional(),
  /** true: the values are running totals (differenced); false: counts since the previous read. */
  cumulative: z.boolean().default(true),
});

const metric = z.discriminatedUnion("source", [prometheusMetric, scrapeMetric, sentryMetric, jsonMetric]).superRefine((m, ctx) => {
  if (m.source === "sentry") return;
  const hasHistogram = "histogram" in m && m.histogram !== undefined;
  if (hasHistogram) {
    if (!("objectiveMs" in m) || m.objectiveMs === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["objectiveMs"],
        message: "a histogram needs objectiveMs: requests slower than it count as bad",
      });
    if (m.bad || m.good || m.total)
      ctx.addIssue({ code: "custom", path: ["histogram"], message: "use either histogram + objectiveMs, or bad/good and total" });
    return;
  }
  if (!m.bad === !m.good)
    ctx.addIssue({
      code: "custom",
      path: ["bad"],
      message: "say what is counted: bad (errors) or good (successes), with total (requests)",
    });
  if (m.good && !m.total) ctx.addIssue({ code: "custom", path: ["total"], message: "good needs total: bad events are total − good" });
  if (m.direction === "lower-is-worse" && !m.good)
    ctx.addIssue({
      code: "custom",
      path: ["direction"],
      message: "lower-is-worse needs good and total: the watch counts total − good as bad",
    });
});

const level = z.boolean().optional();

export const VerifySchema = z
  .object({
    baseUrl: z.object({ production: absoluteUrl.optional(), staging: absoluteUrl.optional() }).prefault({}),
    smoke: z.array(smokeTest).default([]),
    metrics: z.array(metric).default([]),
    alpha: z.number().gt(0).max(0.2).default(0.01),
    beta: z.number().gt(0).max(0.2).default(0.01),
    /** The rate multiple that must never pass as verified. */
    regressionRatio: z.number().gt(1).max(100).default(2),
    /** Up to tolerance × the baseline counts as back to normal and is never rolled back. */
    tolerance: z.number().gt(0).default(1),
    /**
     * The first seconds after a deploy, when cold caches may raise errors: a rate up to
     * warmupAllowance × the baseline is not a regression then. Their data still count toward
     * "verified", and a rate beyond the allowance still rolls back.
     */
    warmupSeconds: z.number().min(0).max(3600).default(60),
    warmupAllowance: z.number().min(1).max(100).default(5),
    windowMinutes: z.number().gt(0).max(240).default(30),
    /**
     * After "verified", watch on to the window's end: a regression that begins later still rolls
     * back. The verdict is recorded (and announced) when it is reached. false: stop there.
     */
    keepWatching: z.boolean().default(true),
    /** Seconds between two reads of every metric. */
    intervalSeconds: z.number().min(0.2).max(300).default(15),
    /**
     * How long captureBaseline samples scrape and json metrics before a deploy: at least
     * baselineSeconds, then on until the watch could catch a regressionRatio× regression with the
     * baseline, at most baselineMaxSeconds.
     */
    baselineSeconds: z.number().min(0.2).max(600).default(10),
    baselineMaxSeconds: z.number().min(0.2).max(3600).default(600),
    /** A captured baseline older than this at the deploy is stale: it is refused, not reused. */
    baselineMaxAgeMinutes: z
      .number()
      .gt(0)
      .max(24 * 60)
      .default(30),
    autoRollback: z.object({ P0: level, P1: level, P2: level, P3: level }).prefault({}),
  })
  .superRefine((v, ctx) => {
    if (v.tolerance >= v.regressionRatio) ctx.addIssue({ code: "custom", path: ["tolerance"], message: "must be below regressionRatio" });
    const names = new Set<string>();
    v.metrics.forEach((m, i) => {
      if (names.has(m.name)) ctx.addIssue({ code: "custom", path: ["metrics", i, "name"], message: `two metrics are named "${m.name}"` });
      names.add(m.name);
    });
  });

export type VerifyConfig = z.output<typeof VerifySchema>;
export type MetricConfig = VerifyConfig["metrics"][number];
export type SmokeConfig = VerifyConfig["smoke"][number];
export type VerifyEnvironment = (typeof ENVIRONMENTS)[number];
export const VERIFY_ENVIRONMENTS = ENVIRONMENTS;

export const verifySections = {
  verify: VerifySchema.prefault({}),
};
