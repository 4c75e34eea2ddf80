// One adapter per source kind, built from a metric's config for one environment.

import type { MetricConfig, VerifyConfig, VerifyEnvironment } from "../../config/schema-verify.js";
import { resolveHeaders, resolveUrl } from "../http.js";
import { createJsonSource } from "./json.js";
import { createPrometheusSource } from "./prometheus.js";
import { createScrapeSource } from "./scrape.js";
import { createSentrySource } from "./sentry.js";
import type { MetricSource, MetricSourceFactory } from "../../ports/metric-source.js";

export interface SourceContext {
  env: VerifyEnvironment;
  baseUrl?: string;
  processEnv: NodeJS.ProcessEnv;
  /** when the deploy happened (Sentry narrows to the release after it) */
  deployAt: Date;
  timeoutMs?: number;
}

export const metricAppliesTo = (m: MetricConfig, env: VerifyEnvironment): boolean => !m.environments || m.environments.includes(env);

export function createSource(m: MetricConfig, index: number, ctx: SourceContext): MetricSource {
  const where = `verify.metrics[${index}]`;
  if (m.source === "sentry") return createSentrySource(m, where, ctx.processEnv, ctx.deployAt, ctx.timeoutMs);
  const url = resolveUrl(m.url, ctx.baseUrl, `${where}.url`);
  const headers = resolveHeaders(m.headers, ctx.processEnv, where);
  switch (m.source) {
    case "prometheus":
      return createPrometheusSource(m, url, headers, where, ctx.timeoutMs);
    case "scrape":
      return createScrapeSource(m, url, headers, where, ctx.timeoutMs);
    case "json":
      return createJsonSource(m, url, headers, where, ctx.timeoutMs);
  }
}

/** Every metric that applies to `env`, each built on demand (see MetricSourceFactory). */
export function createMetricSources(cfg: VerifyConfig, env: VerifyEnvironment, processEnv: NodeJS.ProcessEnv): MetricSourceFactory {
  return {
    metrics: cfg.metrics.flatMap((metric, index) => (metricAppliesTo(metric, env) ? [{ metric, index }] : [])),
    build: (metric, index, opts) => createSource(metric, index, { env, baseUrl: cfg.baseUrl[env], processEnv, ...opts }),
  };
}
