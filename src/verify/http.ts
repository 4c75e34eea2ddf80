// HTTP for smoke tests and metric sources: a timeout on every request, header secrets resolved
// from the environment and registered for redaction, and failures as messages a person can act on.

import { resolveSecret } from "../config/secrets.js";
import { redact, registerSecret, safeExcerpt } from "../redact.js";
import { FirebreakError } from "../errors.js";

export interface HttpResponse {
  status: number;
  body: string;
  contentType: string;
}

/** Header values with env:NAME resolved; every resolved value is masked wherever it would be printed. */
export function resolveHeaders(headers: Record<string, string>, env: NodeJS.ProcessEnv, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const secret = resolveSecret(v, env, `${where}.headers.${k}`);
    if (v.startsWith("env:")) registerSecret(secret.reveal());
    out[k] = secret.reveal();
  }
  return out;
}

/** The URL as written, or resolved against the environment's base URL when it is a path. */
export function resolveUrl(url: string, baseUrl: string | undefined, where: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  if (!baseUrl)
    throw new FirebreakError({
      code: "VERIFY_NO_BASE_URL",
      message: `${where} is the path ${url}, and verify.baseUrl has no URL for this environment to put before it.`,
    });
  return baseUrl.replace(/\/+$/, "") + url;
}

export class HttpFailure extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "HttpFailure";
  }
}

export async function httpRequest(req: {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}): Promise<HttpResponse> {
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method ?? "GET",
      headers: req.headers,
      ...(req.body !== undefined ? { body: req.body } : {}),
      redirect: "manual",
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === "TimeoutError" || err.name === "AbortError") throw new HttpFailure(`no answer within ${req.timeoutMs} ms`);
    throw new HttpFailure(err.cause?.code ? `${err.cause.code} ${err.cause.message ?? ""}`.trim() : err.message);
  }
  let body: string;
  try {
    body = await res.text();
  } catch (e) {
    throw new HttpFailure(`the answer was cut off: ${(e as Error).message}`, res.status);
  }
  return { status: res.status, body, contentType: res.headers.get("content-type") ?? "" };
}

/** GET a JSON document; an HttpFailure for a non-2xx status or a body that is not JSON. */
export async function getJson(url: string, headers: Record<string, string>, timeoutMs: number): Promise<unknown> {
  const res = await httpRequest({ url, headers: { accept: "application/json", ...headers }, timeoutMs });
  if (res.status < 200 || res.status > 299) throw new HttpFailure(`HTTP ${res.status}: ${safeExcerpt(res.body, 200)}`, res.status);
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    throw new HttpFailure(`the answer is not JSON: ${safeExcerpt(res.body, 120)}`);
  }
}

/** GET a text page (a /metrics exposition); an HttpFailure for a non-2xx status. */
export async function getText(url: string, headers: Record<string, string>, timeoutMs: number): Promise<string> {
  const res = await httpRequest({
    url,
    headers: { accept: "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.9,*/*;q=0.1", ...headers },
    timeoutMs,
  });
  if (res.status < 200 || res.status > 299) throw new HttpFailure(redact(`HTTP ${res.status} from ${url}`), res.status);
  return res.body;
}
