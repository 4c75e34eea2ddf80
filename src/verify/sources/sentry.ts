// The `sentry` source, through Sentry's documented web API:
// - error counts: GET /api/0/organizations/{org}/events/?field=count()&dataset=errors&start&end
//   ("Query Discover Events in Table Format"), answered as {data: [{"count()": N}], meta};
// - new issues since the deploy: GET /api/0/organizations/{org}/issues/?project=ID (or, with only a
//   project slug, GET /api/0/projects/{org}/{project}/issues/), each issue with firstSeen, count…
// Sentry counts errors, not requests, so this metric is errors per second against the baseline's.

import type { MetricConfig } from "../../config/schema-verify.js";
import { resolveSecret } from "../../config/secrets.js";
import { registerSecret } from "../../redact.js";
import { FirebreakError } from "../../errors.js";
import { getJson, HttpFailure } from "../http.js";
import type { Counts, WindowedSource } from "./source.js";

type SentryMetric = Extract<MetricConfig, { source: "sentry" }>;

interface SentryIssue {
  id?: string;
  shortId?: string;
  title?: string;
  firstSeen?: string;
  count?: string | number;
  permalink?: string;
}

export function createSentrySource(
  m: SentryMetric,
  where: string,
  env: NodeJS.ProcessEnv,
  deployAt: Date,
  timeoutMs = 10_000,
): WindowedSource {
  const token = resolveSecret(m.token, env, `${where}.token`);
  registerSecret(token.reveal());
  const headers = { authorization: `Bearer ${token.reveal()}` };
  const base = m.url.replace(/\/+$/, "");
  const org = encodeURIComponent(m.org);

  const call = async (path: string, params: URLSearchParams): Promise<unknown> => {
    try {
      return await getJson(`${base}${path}?${params.toString()}`, headers, timeoutMs);
    } catch (e) {
      if (e instanceof HttpFailure && (e.status === 401 || e.status === 403))
        throw new FirebreakError({ code: "VERIFY_SENTRY_AUTH", message: `${where}: Sentry refused the token (HTTP ${e.status}).` });
      if (e instanceof HttpFailure && (e.status === 400 || e.status === 404))
        throw new FirebreakError({
          code: "VERIFY_SENTRY_QUERY",
          message: `${where}: Sentry answered HTTP ${e.status} for ${path}: ${e.message}`,
        });
      throw e;
    }
  };

  const count = async (from: Date, to: Date): Promise<number> => {
    const terms = ["event.type:error"];
    if (m.query) terms.push(m.query);
    if (m.projectId === undefined) terms.push(`project:${m.project}`);
    // The release narrows only what came after the deploy: the baseline is every release before it.
    if (m.release && from.getTime() >= deployAt.getTime()) terms.push(`release:${m.release}`);
    const params = new URLSearchParams({
      field: "count()",
      dataset: "errors",
      start: from.toISOString(),
      end: to.toISOString(),
      query: terms.join(" "),
    });
    if (m.projectId !== undefined) params.set("project", String(m.projectId));
    if (m.environment) params.set("environment", m.environment);
    const doc = (await call(`/api/0/organizations/${org}/events/`, params)) as { data?: Array<Record<string, unknown>> };
    if (!doc || !Array.isArray(doc.data)) throw new HttpFailure("Sentry's answer has no data rows");
    const n = Number(doc.data[0]?.["count()"] ?? 0);
    if (!Number.isFinite(n)) throw new HttpFailure("Sentry's count() is not a number");
    return n;
  };

  const window = async (from: Date, to: Date): Promise<Counts> => ({
    bad: await count(from, to),
    total: Math.max(0, (to.getTime() - from.getTime()) / 1000),
  });

  return {
    kind: "windowed",
    exposure: "seconds",
    describes: `Sentry errors per second${m.environment ? ` in ${m.environment}` : ""}${m.release ? ` (release ${m.release} after the deploy)` : ""}`,
    window,
    async history(from, to, stepSeconds) {
      // One request per bucket: at most 6, so the baseline costs a handful of calls. Wider buckets
      // than the watch's make the dispersion estimate larger, never smaller, for bursty errors.
      const span = (to.getTime() - from.getTime()) / 1000;
      const n = Math.max(1, Math.min(6, Math.floor(span / Math.max(stepSeconds, 1))));
      const edges = Array.from({ length: n + 1 }, (_, i) => new Date(from.getTime() + (i * span * 1000) / n));
      return Promise.all(edges.slice(1).map((end, i) => window(edges[i]!, end)));
    },
    async notes(since, until) {
      const params = new URLSearchParams({ query: `is:unresolved firstSeen:>=${since.toISOString()}`, statsPeriod: "" });
      let path = `/api/0/projects/${org}/${encodeURIComponent(m.project)}/issues/`;
      if (m.projectId !== undefined) {
        path = `/api/0/organizations/${org}/issues/`;
        params.set("project", String(m.projectId));
        params.set("start", since.toISOString());
        params.set("end", until.toISOString());
        params.delete("statsPeriod");
        if (m.environment) params.set("environment", m.environment);
      }
      const issues = (await call(path, params)) as SentryIssue[];
      if (!Array.isArray(issues)) return [];
      const fresh = issues.filter((i) => i.firstSeen && Date.parse(i.firstSeen) >= since.getTime());
      if (fresh.length === 0) return [];
      const listed = fresh.slice(0, 5).map((i) => `${i.shortId ?? i.id ?? "?"} ${i.title ?? ""} (${i.count ?? "?"} events)`.trim());
      return [
        `${fresh.length} new Sentry issue${fresh.length === 1 ? "" : "s"} since the deploy: ${listed.join("; ")}${fresh.length > 5 ? "; …" : ""}`,
      ];
    },
  };
}
