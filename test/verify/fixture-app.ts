// A small service on 127.0.0.1 whose traffic and error rate the test controls: /metrics in
// Prometheus text (a counter pair and a latency histogram), /stats in JSON, and endpoints for
// smoke tests (/profile with bearer tokens, /echo that echoes request headers, /flaky, /slow).
// Traffic is synthetic and steady: `rate` requests per second, `errorFraction` of them errors,
// `slowFraction` of them slower than 0.25 s, accumulated on a 50 ms tick.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FixtureApp {
  url: string;
  port: number;
  state: { rate: number; errorFraction: number; slowFraction: number; metricsDown: boolean; flakyFailures: number };
  /** counters back to zero, as after a restart */
  restart(): void;
  scrapes: number;
  close(): Promise<void>;
}

const LES = [0.05, 0.1, 0.25, 0.5, 1];

export async function startApp(init: Partial<FixtureApp["state"]> = {}): Promise<FixtureApp> {
  const state = { rate: 2000, errorFraction: 0.01, slowFraction: 0.02, metricsDown: false, flakyFailures: 0, ...init };
  let c = { requests: 0, errors: 0, slow: 0, fast: 0 };
  let carry = { requests: 0, errors: 0, slow: 0 };
  const tick = setInterval(() => {
    carry.requests += state.rate * 0.05;
    carry.errors += state.rate * 0.05 * state.errorFraction;
    carry.slow += state.rate * 0.05 * state.slowFraction;
    const n = Math.floor(carry.requests);
    const e = Math.floor(carry.errors);
    const s = Math.floor(carry.slow);
    carry = { requests: carry.requests - n, errors: carry.errors - e, slow: carry.slow - s };
    c.requests += n;
    c.errors += Math.min(e, n);
    c.slow += Math.min(s, n);
  }, 50);

  const metrics = (): string => {
    const fast = c.requests - c.slow;
    // Fast requests split 50/50 under 0.05 s and 0.1 s; slow ones at 0.8 s.
    const under = (le: number) => (le >= 0.1 ? fast : le >= 0.05 ? Math.floor(fast / 2) : 0) + (le >= 1 ? c.slow : 0);
    return [
      "# HELP app_requests_total Requests served.",
      "# TYPE app_requests_total counter",
      `app_requests_total{route="/api"} ${c.requests - c.errors}`,
      `app_requests_total{route="/api",status="500"} ${c.errors}`,
      "# TYPE app_errors_total counter",
      `app_errors_total ${c.errors}`,
      "# TYPE app_request_duration_seconds histogram",
      ...LES.map((le) => `app_request_duration_seconds_bucket{le="${le}"} ${under(le)}`),
      `app_request_duration_seconds_bucket{le="+Inf"} ${c.requests}`,
      `app_request_duration_seconds_sum ${(fast * 0.06 + c.slow * 0.8).toFixed(3)}`,
      `app_request_duration_seconds_count ${c.requests}`,
      "",
    ].join("\n");
  };

  const app: FixtureApp = {
    url: "",
    port: 0,
    state,
    scrapes: 0,
    restart() {
      c = { requests: 0, errors: 0, slow: 0, fast: 0 };
    },
    close: async () => {
      clearInterval(tick);
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections?.();
    },
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/metrics") {
      app.scrapes++;
      if (state.metricsDown) return void res.writeHead(503).end("down");
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      return void res.end(metrics());
    }
    if (path === "/stats") {
      // Down, like a gateway that echoes the request in its error page (credentials included).
      if (state.metricsDown) return void res.writeHead(503).end(`down (request authorization: ${req.headers.authorization ?? "none"})`);
      return send(res, 200, { jobs: { done: c.requests, failed: c.errors }, "odd key": [{ n: c.errors }] });
    }
    if (path === "/profile") {
      const auth = req.headers.authorization ?? "";
      if (auth === "Bearer good-token-1234567") return send(res, 200, { user: { id: 7, name: "alice" } });
      if (auth.startsWith("Bearer ")) return send(res, 401, { error: "token expired" });
      return send(res, 400, { error: "no token" });
    }
    if (path === "/echo") return send(res, 200, { headers: req.headers });
    if (path === "/flaky") {
      if (state.flakyFailures > 0) {
        state.flakyFailures--;
        return send(res, 503, { error: "warming up" });
      }
      return send(res, 200, { ok: true });
    }
    if (path === "/slow") {
      const t = setTimeout(() => send(res, 200, { ok: true }), 3000);
      res.on("close", () => clearTimeout(t));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  app.port = (server.address() as AddressInfo).port;
  app.url = `http://127.0.0.1:${app.port}`;
  return app;
}
