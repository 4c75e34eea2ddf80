// Smoke tests: HTTP requests with the answer they must get (e.g. an expired token gets 401).
// Each runs with its timeout and retries; the result says what was expected and what came back,
// never the headers (they hold tokens), and any echoed secret is masked before it is shown.

import type { SmokeConfig, VerifyEnvironment } from "../config/schema-verify.js";
import { redact } from "../redact.js";
import { HttpFailure, httpRequest, resolveHeaders, resolveUrl } from "./http.js";
import { readJsonPath } from "./json-path.js";

export interface SmokeResult {
  name: string;
  method: string;
  url: string;
  ok: boolean;
  /** the status of the last attempt, when one answered */
  status?: number;
  /** what was expected, in words: "401", "200 with \"ok\" in the body" */
  expected: string;
  attempts: number;
  durationMs: number;
  /** why it failed (the last attempt) */
  reason?: string;
}

export interface SmokeContext {
  env: VerifyEnvironment;
  baseUrl?: string;
  processEnv: NodeJS.ProcessEnv;
  onResult?: (r: SmokeResult) => void;
  sleep?: (ms: number) => Promise<void>;
}

export const smokeAppliesTo = (t: SmokeConfig, env: VerifyEnvironment): boolean => !t.environments || t.environments.includes(env);

function expectedText(t: SmokeConfig): string {
  const statuses = Array.isArray(t.expectStatus) ? t.expectStatus.join(" or ") : String(t.expectStatus);
  const parts = [statuses];
  if (t.expectBody !== undefined) parts.push(`with ${JSON.stringify(t.expectBody)} in the body`);
  if (t.expectJson)
    parts.push(
      t.expectJson.equals === undefined
        ? `with ${t.expectJson.path} present`
        : `with ${t.expectJson.path} = ${JSON.stringify(t.expectJson.equals)}`,
    );
  return parts.join(" ");
}

// Masked before it is cut: a secret cut in half would no longer be recognised.
const snippet = (body: string): string => {
  const one = redact(body).replace(/\s+/g, " ").trim();
  return one.length > 160 ? one.slice(0, 159) + "…" : one;
};

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Why the answer does not match, or null when it does. */
function mismatch(t: SmokeConfig, status: number, body: string): string | null {
  const statuses = Array.isArray(t.expectStatus) ? t.expectStatus : [t.expectStatus];
  if (!statuses.includes(status)) return `expected ${statuses.join(" or ")}, got ${status}${body ? ` (body: ${snippet(body)})` : ""}`;
  if (t.expectBody !== undefined && !body.includes(t.expectBody))
    return `the body does not contain ${JSON.stringify(t.expectBody)} (body: ${snippet(body)})`;
  if (t.expectJson) {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch {
      return `the body is not JSON (body: ${snippet(body)})`;
    }
    let value: unknown;
    try {
      value = readJsonPath(doc, t.expectJson.path);
    } catch (e) {
      return (e as Error).message;
    }
    if (value === undefined) return `${t.expectJson.path} is missing (body: ${snippet(body)})`;
    if (t.expectJson.equals !== undefined && !sameJson(value, t.expectJson.equals))
      return `${t.expectJson.path} is ${JSON.stringify(value)}, expected ${JSON.stringify(t.expectJson.equals)}`;
  }
  return null;
}

export async function runSmokeTest(t: SmokeConfig, ctx: SmokeContext, index: number): Promise<SmokeResult> {
  const where = `verify.smoke[${index}]`;
  const url = resolveUrl(t.url, ctx.baseUrl, `${where}.url`);
  const headers = resolveHeaders(t.headers, ctx.processEnv, where);
  let body: string | undefined;
  if (typeof t.body === "string") body = t.body;
  else if (t.body !== undefined) {
    body = JSON.stringify(t.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  }
  const sleep = ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = Date.now();
  let status: number | undefined;
  let reason: string | undefined;
  let attempts = 0;
  for (let attempt = 0; attempt <= t.retries; attempt++) {
    if (attempt > 0) await sleep(t.retryDelayMs);
    attempts++;
    status = undefined;
    try {
      const res = await httpRequest({ method: t.method, url, headers, body, timeoutMs: t.timeoutMs });
      status = res.status;
      reason = mismatch(t, res.status, res.body) ?? undefined;
    } catch (e) {
      reason = e instanceof HttpFailure ? e.message : (e as Error).message;
    }
    if (reason === undefined) break;
  }
  const result: SmokeResult = {
    name: t.name,
    method: t.method,
    url,
    ok: reason === undefined,
    ...(status !== undefined ? { status } : {}),
    expected: expectedText(t),
    attempts,
    durationMs: Date.now() - started,
    ...(reason !== undefined ? { reason: redact(reason) } : {}),
  };
  return result;
}

/** Runs the tests that apply to `env`, in the order written; all of them, even after a failure. */
export async function runSmokeTests(tests: readonly SmokeConfig[], ctx: SmokeContext): Promise<SmokeResult[]> {
  const results: SmokeResult[] = [];
  for (const [i, t] of tests.entries()) {
    if (!smokeAppliesTo(t, ctx.env)) continue;
    const r = await runSmokeTest(t, ctx, i);
    results.push(r);
    ctx.onResult?.(r);
  }
  return results;
}

export function describeSmoke(r: SmokeResult): string {
  const tries = r.attempts > 1 ? ` after ${r.attempts} attempts` : "";
  return r.ok
    ? `✔ ${r.name}: ${r.method} ${r.url} → ${r.status} as expected${tries}`
    : `✖ ${r.name}: ${r.method} ${r.url}: ${r.reason}${tries}`;
}

export function smokeSummary(results: readonly SmokeResult[]): string {
  const failed = results.filter((r) => !r.ok);
  if (results.length === 0) return "no smoke tests configured";
  if (failed.length === 0) return `${results.length} smoke test${results.length === 1 ? "" : "s"} passed`;
  return `${failed.length} of ${results.length} smoke tests failed: ${failed.map((r) => `${r.name} (${r.reason})`).join("; ")}`;
}
