// One HTTP request to a notification service, told apart the way the effect journal needs:
//   - it never left (connection refused, DNS, TLS): a clean failure, safe to try again;
//   - it left and no answer came (timeout, reset): AmbiguousOutcome, the message may be posted;
//   - the service answered: the status and body, for the caller to judge.
// node:http rather than fetch, because only the socket can tell "never left" from "left".
// The URL may be a secret (a webhook URL): it is never put in an error or a log line.

import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { FirebreakError } from "../../errors.js";
import { AmbiguousOutcome } from "../../ports/outcome.js";
import { redact, redactDeep, safeExcerpt } from "../../redact.js";
import type { Secret } from "../../config/secrets.js";

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpCall {
  /** Who is called, for messages: "Slack", "Statuspage". */
  service: string;
  method: "GET" | "POST" | "PATCH" | "PUT";
  url: string | Secret;
  headers?: Record<string, string>;
  json?: unknown;
  timeoutMs: number;
}

const MAX_BODY = 1024 * 1024;

export function notifyError(service: string, message: string, next?: string): FirebreakError {
  return new FirebreakError({ code: "NOTIFY_FAILED", message: redact(`${service}: ${message}`), next });
}

/** Sends one request. Throws notifyError when it certainly never arrived, AmbiguousOutcome when it may have. */
export function send(call: HttpCall): Promise<HttpAnswer> {
  const raw = typeof call.url === "string" ? call.url : call.url.reveal();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return Promise.reject(notifyError(call.service, "the configured URL is not a URL", "check the variable named in .firebreak.yml"));
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return Promise.reject(notifyError(call.service, `the configured URL must be http(s), not ${url.protocol}`));
  // What goes out is redacted too: a message is built from the record, but nothing may carry a
  // secret to a channel people read.
  const body = call.json === undefined ? undefined : Buffer.from(JSON.stringify(redactDeep(call.json)));
  const headers: Record<string, string> = { "user-agent": "firebreak", accept: "application/json", ...call.headers };
  if (body) {
    headers["content-type"] ??= "application/json; charset=utf-8";
    headers["content-length"] = String(body.length);
  }
  const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, { method: call.method, headers });

  return new Promise<HttpAnswer>((resolve, reject) => {
    let sent = false; // the whole request was handed to the network
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      const what =
        e.message === "timeout"
          ? `no answer within ${Math.round(call.timeoutMs / 1000)} s`
          : `the connection failed (${(e as NodeJS.ErrnoException).code ?? e.message})`;
      // A GET changes nothing: when it fails, nothing happened, whenever it failed.
      reject(
        sent && call.method !== "GET"
          ? new AmbiguousOutcome(redact(`${call.service}: the request was sent but ${what}, so it may have been delivered`))
          : notifyError(call.service, `${what}; nothing was sent`, "check the service and the network, then run the same command again"),
      );
    };
    const timer = setTimeout(() => fail(new Error("timeout")), call.timeoutMs);
    req.on("finish", () => (sent = true));
    req.on("error", fail);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      });
      res.on("error", fail);
      res.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.end(body);
  });
}

/** Seconds to wait from a Retry-After header (seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterSeconds(headers: IncomingHttpHeaders, now = Date.now()): number | null {
  const v = headers["retry-after"];
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return null;
  if (/^\d+$/.test(s.trim())) return Number(s.trim());
  const at = Date.parse(s);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

export interface RetryRules {
  /** The longest wait a 429 may ask for; longer and the send fails (a re-run can try later). */
  maxWaitSeconds: number;
  /** Requests in all, the first included. */
  maxAttempts: number;
  /** When a 429 names no wait. */
  defaultWaitSeconds: number;
  onWait?: (service: string, seconds: number, attempt: number) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends, and on HTTP 429 waits what the service asked (Retry-After) and sends again, a bounded
 * number of times. A 429 means the service did not act on the request, so the retry cannot repeat it.
 */
export async function sendWithRetry(call: HttpCall, rules: RetryRules): Promise<HttpAnswer> {
  for (let attempt = 1; ; attempt++) {
    const answer = await send(call);
    if (answer.status !== 429) return answer;
    const wait = retryAfterSeconds(answer.headers) ?? rules.defaultWaitSeconds;
    if (attempt >= rules.maxAttempts)
      throw notifyError(
        call.service,
        `still rate limited (HTTP 429) after ${attempt} attempts; nothing was posted`,
        "wait a minute, then run the same command again",
      );
    if (wait > rules.maxWaitSeconds)
      throw notifyError(
        call.service,
        `rate limited: it asked to wait ${wait} s (more than notify.maxRetryWaitSeconds, ${rules.maxWaitSeconds} s); nothing was posted`,
        `run the same command again in ${wait} s`,
      );
    rules.onWait?.(call.service, wait, attempt);
    await sleep(wait * 1000);
  }
}

/** A short, safe excerpt of a service's answer for an error message. */
export function excerpt(body: string): string {
  return safeExcerpt(body, 200);
}

/**
 * Turns a non-2xx answer into the right failure. 4xx: refused, nothing posted. 502/503: the service
 * was not reached behind its gateway, nothing posted. Other 5xx: it may have acted before failing.
 */
export function failFromStatus(service: string, answer: HttpAnswer, next?: string): never {
  const what = `HTTP ${answer.status}${answer.body ? `: ${excerpt(answer.body)}` : ""}`;
  if (answer.status >= 500 && answer.status !== 502 && answer.status !== 503)
    throw new AmbiguousOutcome(redact(`${service} answered ${what}, so the message may or may not have been posted`));
  throw notifyError(service, `refused the message (${what}); nothing was posted`, next);
}
